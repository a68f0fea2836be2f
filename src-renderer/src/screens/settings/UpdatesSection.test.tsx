import { act, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { renderApp } from '../../../test/render'
import { HANDLED_BY_DESKTOP } from '../../../test/fake-updates'

const openUpdates = async () => {
  location.hash = '#/settings'
  const rendered = await renderApp()
  const section = (await screen.findByRole('heading', { name: 'Updates' })).closest('section')!
  return { ...rendered, section: within(section as HTMLElement) }
}

const downloading = (percent: number) => ({
  state: 'downloading' as const,
  version: '1.1.0',
  releaseNotes: null,
  progress: { percent, transferred: percent * 1024 * 1024, total: 100 * 1024 * 1024, bytesPerSecond: 1 },
})

describe('Settings → Updates', () => {
  it('in the web companion says plainly that the desktop app updates itself', async () => {
    const { section } = await openUpdates()
    expect(section.getByRole('status').textContent).toBe(HANDLED_BY_DESKTOP)
    expect(section.getByText('This is version 9.9.9.')).toBeTruthy()
    expect(section.queryByRole('button', { name: 'Check now' })).toBeNull()
  })

  it('shows a development build as not packaged', async () => {
    const { section, updates } = await openUpdates()
    act(() => updates.set({ update: { state: 'disabled', reason: 'Updates are off in a development build (the app is not packaged).' } }))
    expect(section.getByRole('status').textContent).toBe('Updates are off in a development build (the app is not packaged).')
  })

  it('checks now and says when the app is up to date', async () => {
    const { section, updates, calls } = await openUpdates()
    act(() => updates.desktop())
    expect(section.getByRole('status').textContent).toBe('Not checked yet.')
    await userEvent.click(section.getByRole('button', { name: 'Check now' }))
    await waitFor(() => expect(section.getByRole('status').textContent).toBe('Ollama Desk 1.0.0 is up to date.'))
    expect(section.getByText(/^Last checked /)).toBeTruthy()
    expect(calls.filter((call) => call.route === 'updates.check')).toHaveLength(1)
  })

  it('switches the channel and finds the beta with its release notes', async () => {
    const { section, updates, settings } = await openUpdates()
    act(() => updates.desktop())
    updates.world.offers.beta = { version: '1.2.0-beta.1', releaseNotes: '**Voice mode**\n\n- dictation\n- read aloud' }
    await userEvent.click(section.getByRole('switch', { name: 'Download updates in the background' }))
    await waitFor(() => expect(settings().updates.autoDownload).toBe(false))
    await userEvent.selectOptions(section.getByRole('combobox', { name: 'Channel' }), 'beta')
    await waitFor(() => expect(settings().updates.channel).toBe('beta'))
    await userEvent.click(section.getByRole('button', { name: 'Check now' }))
    await waitFor(() => expect(section.getByRole('status').textContent).toBe('Version 1.2.0-beta.1 is available.'))
    const notes = section.getByText('What’s new').closest('details')!
    expect(within(notes).getByText('Voice mode').tagName).toBe('STRONG')
    expect(within(notes).getByText('read aloud').tagName).toBe('LI')
    await userEvent.click(section.getByRole('button', { name: 'Download 1.2.0-beta.1' }))
    await waitFor(() => expect(section.getByRole('status').textContent).toBe('Version 1.2.0-beta.1 is ready to install.'))
  })

  it('turns automatic checks off', async () => {
    const { section, updates, settings } = await openUpdates()
    act(() => updates.desktop())
    await userEvent.click(section.getByRole('switch', { name: 'Check for updates automatically' }))
    await waitFor(() => expect(settings().updates.enabled).toBe(false))
  })

  it('shows download progress as a bar', async () => {
    const { section, updates } = await openUpdates()
    act(() => updates.set({ currentVersion: '1.0.0', update: downloading(40) }))
    expect(section.getByRole('status').textContent).toBe('Downloading version 1.1.0… 40% (40 MB of 100 MB)')
    expect(section.getByRole('progressbar', { name: 'Downloading version 1.1.0' }).getAttribute('aria-valuenow')).toBe('40')
    expect(section.getByRole('button', { name: 'Check now' })).toHaveProperty('disabled', true)
  })

  it('"Restart to update" waits, with the reason, while a reply is streaming', async () => {
    const { section, updates } = await openUpdates()
    const reason = 'A chat reply is streaming; the app restarts once it has finished.'
    act(() => updates.set({ currentVersion: '1.0.0', update: { state: 'downloaded', version: '1.1.0', releaseNotes: null }, installBlockedBy: reason }))
    expect(section.getByRole('button', { name: 'Restart to update' })).toHaveProperty('disabled', true)
    expect(section.getByText(reason)).toBeTruthy()

    act(() => updates.set({ installBlockedBy: null }))
    expect(section.getByText('Or keep working: the update installs when you quit Ollama Desk.')).toBeTruthy()
    await userEvent.click(section.getByRole('button', { name: 'Restart to update' }))
    await waitFor(() => expect(updates.world.installs).toBe(1))
  })

  it('a failed check shows its message as an alert', async () => {
    const { section, updates } = await openUpdates()
    act(() => updates.set({ update: { state: 'error', code: 'ERR_CHECKSUM_MISMATCH', message: 'The downloaded update did not match its published sha512 checksum and was discarded.' } }))
    expect(section.getByRole('alert').textContent).toMatch(/sha512 checksum and was discarded/)
    expect(section.queryByRole('button', { name: 'Restart to update' })).toBeNull()
  })

  it('a refused action becomes a notice', async () => {
    const { section, updates } = await openUpdates()
    act(() => updates.set({ currentVersion: '1.0.0', update: { state: 'available', version: '1.1.0', releaseNotes: null, releaseDate: null } }))
    updates.world.status = { ...updates.world.status, update: { state: 'idle' } } // the core moved on meanwhile
    await userEvent.click(section.getByRole('button', { name: 'Download 1.1.0' }))
    expect(await screen.findByText('There is no update to download; check for updates first.')).toBeTruthy()
  })
})
