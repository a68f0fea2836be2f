import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { renderApp } from '../../../test/render'

const openSettings = async (options: Parameters<typeof renderApp>[0] = {}) => {
  location.hash = '#/settings'
  const rendered = await renderApp(options)
  await screen.findByRole('heading', { level: 1, name: 'Settings' })
  return rendered
}

describe('Settings screen', () => {
  afterEach(() => vi.restoreAllMocks())

  it('switches the theme and saves it', async () => {
    const { settings } = await openSettings()
    await userEvent.click(screen.getByRole('radio', { name: 'Dark' }))
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('dark'))
    expect(settings().appearance.theme).toBe('dark')
    expect(screen.getByRole('radio', { name: 'Dark' })).toHaveProperty('checked', true)
  })

  it('sets the accent from a swatch and from the colour picker', async () => {
    const { settings } = await openSettings()
    await userEvent.click(screen.getByRole('button', { name: 'Accent #ef4444' }))
    await waitFor(() => expect(settings().appearance.accent).toBe('#ef4444'))
    expect(screen.getByRole('button', { name: 'Accent #ef4444' }).getAttribute('aria-pressed')).toBe('true')
    const picker = screen.getByLabelText('Custom') as HTMLInputElement
    fireEvent.change(picker, { target: { value: '#123456' } })
    await waitFor(() => expect(settings().appearance.accent).toBe('#123456'))
  })

  it('tests a host without saving it, then saves it', async () => {
    const { calls, settings } = await openSettings({ status: { host: 'http://gpu-box:11434', reachable: false, error: 'connection refused.' } })
    const host = screen.getByRole('textbox', { name: 'Host' })
    expect(screen.getByRole('button', { name: 'Save' })).toHaveProperty('disabled', true)
    await userEvent.clear(host)
    await userEvent.type(host, 'gpu-box')
    await userEvent.click(screen.getByRole('button', { name: 'Test' }))
    const card = screen.getByRole('region', { name: 'Ollama' })
    expect(await within(card).findByText('Not reachable at http://gpu-box:11434: connection refused.')).toBeTruthy()
    expect(calls.some((call) => call.route === 'ollama.status' && (call.input as { host?: string }).host === 'gpu-box')).toBe(true)
    expect(settings().ollama.host).toBe('http://127.0.0.1:11434')
    await userEvent.click(screen.getByRole('button', { name: 'Save' }))
    await waitFor(() => expect(settings().ollama.host).toBe('gpu-box'))
  })

  it('turns starting Ollama automatically off and on through ollama.autoStart, and saves it', async () => {
    const { calls, settings } = await openSettings()
    const toggle = screen.getByRole('switch', { name: 'Start Ollama automatically' })
    expect(toggle).toHaveProperty('checked', true)
    await userEvent.click(toggle)
    await waitFor(() => expect(settings().ollama.autoStart).toBe(false))
    expect(await screen.findByText('systemd user unit disabled')).toBeTruthy()
    expect(calls.filter((call) => call.route === 'ollama.autoStart').map((call) => call.input)).toEqual([{ enabled: false }])
    await userEvent.click(screen.getByRole('switch', { name: 'Start Ollama automatically' }))
    await waitFor(() => expect(settings().ollama.autoStart).toBe(true))
  })

  it('says when a newer Ollama is available and updates the one Ollama Desk installed', async () => {
    const ours = { path: '/home/u/.local/share/ollama-desk/ollama/bin/ollama', kind: 'ours' as const, ours: true, version: '0.12.6' }
    const { installer, calls } = await openSettings({ installer: { detection: { latestVersion: '0.13.0', updateAvailable: true, installs: [ours] } } })
    const notice = await screen.findByRole('group', { name: 'Ollama update' })
    expect(notice.textContent).toContain('Ollama 0.13.0 is available (this one is 0.12.6).')
    await userEvent.click(within(notice).getByRole('button', { name: 'Update' }))
    expect(calls.some((call) => call.route === 'ollama.install' && (call.input as { force?: boolean }).force === true)).toBe(true)
    expect(await within(notice).findByText(/Updating/)).toBeTruthy()
    await waitFor(() => installer.finish())
  })

  it('does not offer to update an Ollama it did not install, and says nothing when up to date', async () => {
    await openSettings({ installer: { detection: { latestVersion: '0.13.0', updateAvailable: true } } })
    const notice = await screen.findByRole('group', { name: 'Ollama update' })
    expect(within(notice).queryByRole('button', { name: 'Update' })).toBeNull()
    expect(notice.textContent).toContain('Update it the way it was installed.')
  })

  it('says when OLLAMA_HOST overrides the saved host', async () => {
    await openSettings({ info: { ollamaHostFromEnv: 'gpu-box:11434' } })
    expect(screen.getByRole('note').textContent).toContain('OLLAMA_HOST=gpu-box:11434')
  })

  it('reports a reachable host and a refused test', async () => {
    await openSettings()
    await userEvent.click(screen.getByRole('button', { name: 'Test' }))
    expect(await screen.findByText('Reached Ollama 0.12.6 at http://127.0.0.1:11434.')).toBeTruthy()
  })

  it('shows the message of a test the core refused', async () => {
    await openSettings({ status: { code: 'E_VALIDATION', message: 'Bad host', retryable: false } })
    await userEvent.click(screen.getByRole('button', { name: 'Test' }))
    const card = screen.getByRole('region', { name: 'Ollama' })
    expect(await within(card).findByText('Bad host')).toBeTruthy()
  })

  it('shows the message and hint when a save is refused, and keeps the old value', async () => {
    const { settings } = await openSettings({
      failing: { 'settings.update': { code: 'E_VALIDATION', message: 'Ollama speaks http or https, not ftp.', hint: 'Use 127.0.0.1:11434', retryable: false } },
    })
    const host = screen.getByRole('textbox', { name: 'Host' })
    await userEvent.clear(host)
    await userEvent.type(host, 'ftp://x')
    await userEvent.click(screen.getByRole('button', { name: 'Save' }))
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('Ollama speaks http or https, not ftp.')
    expect(alert.textContent).toContain('Use 127.0.0.1:11434')
    expect(settings().ollama.host).toBe('http://127.0.0.1:11434')
  })

  it('runs diagnostics and shows hints only for problems', async () => {
    await openSettings({
      checks: [
        { id: 'node', title: 'Node.js', status: 'ok', detail: 'v24', hint: 'never shown' },
        { id: 'ollama', title: 'Ollama', status: 'fail', detail: 'not reachable', hint: 'Start Ollama' },
        { id: 'electron', title: 'Electron', status: 'warn', detail: 'missing' },
      ],
    })
    await userEvent.click(screen.getByRole('button', { name: 'Run checks' }))
    expect(await screen.findByText('Failed')).toBeTruthy()
    expect(screen.getByText('OK')).toBeTruthy()
    expect(screen.getByText('Warning')).toBeTruthy()
    expect(screen.getByText('Start Ollama')).toBeTruthy()
    expect(screen.queryByText('never shown')).toBeNull()
  })

  it('tells the user when diagnostics cannot run', async () => {
    await openSettings({ failing: { 'diagnostics.doctor': { code: 'E_INTERNAL', message: 'Doctor broke', retryable: false } } })
    await userEvent.click(screen.getByRole('button', { name: 'Run checks' }))
    expect((await screen.findByRole('alert')).textContent).toContain('Doctor broke')
  })

  it('shows what is running and where the data lives', async () => {
    await openSettings()
    const about = screen.getByRole('region', { name: 'About' })
    expect(about.textContent).toContain('9.9.9')
    expect(about.textContent).toContain('Web companion')
    expect(about.textContent).toContain('/tmp/data')
  })

  it('resets only after confirmation', async () => {
    const { settings } = await openSettings()
    await userEvent.click(screen.getByRole('radio', { name: 'Dark' }))
    await waitFor(() => expect(settings().appearance.theme).toBe('dark'))
    await userEvent.click(screen.getByRole('button', { name: 'Reset settings…' }))
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }))
    expect(settings().appearance.theme).toBe('dark')
    await userEvent.click(screen.getByRole('button', { name: 'Reset settings…' }))
    await userEvent.click(within(screen.getByRole('group', { name: 'Confirm reset' })).getByRole('button', { name: 'Reset' }))
    await waitFor(() => expect(settings().appearance.theme).toBe('light'))
  })

  it('reports a failed reset', async () => {
    await openSettings({ failing: { 'settings.reset': { code: 'E_IO', message: 'Disk is read-only', retryable: false } } })
    await userEvent.click(screen.getByRole('button', { name: 'Reset settings…' }))
    await userEvent.click(screen.getByRole('button', { name: 'Reset' }))
    expect((await screen.findByRole('alert')).textContent).toContain('Disk is read-only')
  })
})
