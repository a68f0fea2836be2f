import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { defaultSettings } from '../../../test/fake-api'
import { renderApp } from '../../../test/render'
import { useAppStore } from '../../store/app-store'

const openDeveloper = async (panel = false) => {
  location.hash = '#/settings'
  const settings = defaultSettings()
  settings.developer.panel = panel
  const rendered = await renderApp({ settings })
  const card = await screen.findByRole('region', { name: 'Developer' })
  return { ...rendered, card }
}

function stubClipboard(writeText: (text: string) => Promise<void>) {
  Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true })
}

afterEach(() => vi.restoreAllMocks())

describe('Settings → Developer', () => {
  it('Copy diagnostics builds the bundle, copies its summary and offers the zip', async () => {
    const copied: string[] = []
    stubClipboard(async (text) => void copied.push(text))
    const { card, calls } = await openDeveloper()
    await userEvent.click(within(card).getByRole('button', { name: 'Copy diagnostics' }))
    const status = await within(card).findByRole('status')
    expect(status.textContent).toContain('Copied a summary to the clipboard.')
    expect(status.textContent).toContain('/tmp/data/diagnostics/ollama-desk-diagnostics-1.zip')
    expect(copied).toHaveLength(1)
    expect(copied[0]).toContain('Ollama Desk 9.9.9 (web)')
    expect(within(card).getByLabelText('Diagnostics summary').textContent).toBe(copied[0])
    expect(calls.filter((c) => c.route === 'diagnostics.bundle').map((c) => c.input)).toEqual([{ includeBase64: true }])

    const created: Blob[] = []
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => (created.push(blob as Blob), 'blob:zip'))
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined)
    const clicked: string[] = []
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.download)
    })
    await userEvent.click(within(card).getByRole('button', { name: 'Download bundle' }))
    expect(clicked).toEqual(['ollama-desk-diagnostics-1.zip'])
    expect(created[0]?.type).toBe('application/zip')
    const bytes = new Uint8Array(await created[0]!.arrayBuffer())
    expect([...bytes.slice(0, 4)]).toEqual([0x50, 0x4b, 0x05, 0x06])
  })

  it('shows the summary when the clipboard refuses, and the error when the bundle fails', async () => {
    stubClipboard(async () => {
      throw new Error('not allowed')
    })
    const { card, observability } = await openDeveloper()
    await userEvent.click(within(card).getByRole('button', { name: 'Copy diagnostics' }))
    expect((await within(card).findByRole('status')).textContent).toContain('The clipboard was not available; the summary is below.')
    expect(within(card).getByLabelText('Diagnostics summary').textContent).toContain('Checks:')
    observability.bundleError = 'Could not write the diagnostics bundle to /tmp/data/diagnostics.'
    await userEvent.click(within(card).getByRole('button', { name: 'Copy diagnostics' }))
    await waitFor(() => expect(useAppStore.getState().notices.map((n) => n.message)).toContain('Could not write the diagnostics bundle to /tmp/data/diagnostics.'))
  })

  it('the developer panel is off by default; turning it on saves the setting and lists recent marks', async () => {
    const { card, settings, observability } = await openDeveloper()
    expect(within(card).queryByRole('group', { name: 'Developer panel' })).toBeNull()
    await userEvent.click(within(card).getByRole('switch', { name: 'Show the developer panel' }))
    await waitFor(() => expect(settings().developer.panel).toBe(true))
    const table = await within(card).findByRole('table', { name: 'Performance marks' })
    const rows = within(table).getAllByRole('row').slice(1)
    expect(rows.map((row) => within(row).getAllByRole('cell').slice(0, 2).map((cell) => cell.textContent))).toEqual([
      ['store.listSessions', '3.3'],
      ['chat.turn', '1844'],
      ['startup.core', '41.5'],
    ])
    observability.marks = [{ name: 'store.search', startTime: 1, duration: 7, at: Date.now(), ok: false }]
    await userEvent.click(within(card).getByRole('button', { name: 'Refresh' }))
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(2))
    expect(within(table).getByText(/\(failed\)/)).toBeTruthy()
    observability.marks = []
    await userEvent.click(within(card).getByRole('button', { name: 'Refresh' }))
    expect(await within(card).findByText('No marks yet.')).toBeTruthy()
  })

  it('the CPU profile switch starts a profile, and stopping it says where it was saved', async () => {
    const { card, calls } = await openDeveloper(true)
    const status = within(card).getByRole('status', { name: 'CPU profile status' })
    expect(status.textContent).toContain('like node --cpu-prof')
    const toggle = within(card).getByRole('switch', { name: 'CPU profile' })
    await userEvent.click(toggle)
    await waitFor(() => expect(status.textContent).toContain('Profiling the main process since'))
    expect(toggle).toHaveProperty('checked', true)
    await userEvent.click(toggle)
    await waitFor(() => expect(status.textContent).toContain('Saved to /tmp/data/profiles/cpu-2026-01-05T10-01-30-000Z.cpuprofile'))
    expect(calls.filter((c) => c.route === 'profiling.cpuProfile').map((c) => (c.input as { action: string }).action)).toEqual(['status', 'start', 'stop'])
  })

  it('shows a running profile as on when opened, and the error when the core refuses', async () => {
    location.hash = '#/settings'
    const settings = defaultSettings()
    settings.developer.panel = true
    const rendered = await renderApp({ settings })
    rendered.observability.profile = { running: true, startedAt: Date.UTC(2026, 0, 5, 10, 1, 0) }
    // Reopen the panel so it reads the status again.
    const card = await screen.findByRole('region', { name: 'Developer' })
    await userEvent.click(within(card).getByRole('switch', { name: 'Show the developer panel' }))
    await userEvent.click(within(card).getByRole('switch', { name: 'Show the developer panel' }))
    const toggle = await within(card).findByRole('switch', { name: 'CPU profile' })
    await waitFor(() => expect(toggle).toHaveProperty('checked', true))
    rendered.observability.profile = { running: false }
    await userEvent.click(toggle)
    await waitFor(() => expect(useAppStore.getState().notices.map((n) => n.message)).toContain('No CPU profile is running.'))
  })
})
