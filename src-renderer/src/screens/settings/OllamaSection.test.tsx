import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { renderApp } from '../../../test/render'

const ours = { path: '/home/u/.local/share/ollama-desk/ollama/bin/ollama', kind: 'ours' as const, ours: true, version: '0.12.6' }
const theirs = { path: '/usr/local/bin/ollama', kind: 'system' as const, ours: false, version: '0.11.0' }

async function openOllama(options: Parameters<typeof renderApp>[0] = {}) {
  location.hash = '#/settings'
  const rendered = await renderApp(options)
  const service = await screen.findByRole('group', { name: 'Ollama on this computer' })
  return { ...rendered, service }
}
const routes = (calls: { route: string }[]) => calls.map((call) => call.route).filter((route) => /^ollama\.(start|stop|uninstall|install)$/.test(route))

describe('Settings → Ollama: status and the controls for the Ollama Desk installed', () => {
  it('shows what runs where, and stops then starts the Ollama it installed', async () => {
    const { service, calls } = await openOllama({ installer: { detection: { installs: [ours] } } })
    expect(await within(service).findByText('Running: Ollama 0.12.6 at http://127.0.0.1:11434, installed by Ollama Desk.')).toBeTruthy()
    await userEvent.click(within(service).getByRole('button', { name: 'Stop' }))
    expect(await within(service).findByText('Installed (0.12.6) but not running at http://127.0.0.1:11434.')).toBeTruthy()
    await userEvent.click(within(service).getByRole('button', { name: 'Start' }))
    expect(await within(service).findByText(/^Running: Ollama 0\.12\.6/)).toBeTruthy()
    expect(routes(calls)).toEqual(['ollama.stop', 'ollama.start'])
  })

  it('uninstalls only after confirming, says the models stay, then offers to install again', async () => {
    const { service, calls } = await openOllama({ installer: { detection: { installs: [ours] } } })
    await userEvent.click(await within(service).findByRole('button', { name: 'Uninstall…' }))
    const confirm = within(service).getByRole('alertdialog', { name: 'Uninstall Ollama?' })
    expect(confirm.textContent).toContain('Downloaded models stay.')
    await userEvent.click(within(confirm).getByRole('button', { name: 'Cancel' }))
    expect(routes(calls)).toEqual([])
    await userEvent.click(within(service).getByRole('button', { name: 'Uninstall…' }))
    await userEvent.click(within(service).getByRole('button', { name: 'Uninstall' }))
    expect(await within(service).findByText('Removed. Your downloaded models are still there.')).toBeTruthy()
    expect(await within(service).findByText(/^Not installed on this computer/)).toBeTruthy()
    expect(within(service).getByRole('button', { name: 'Install Ollama' })).toBeTruthy()
    expect(routes(calls)).toEqual(['ollama.uninstall'])
  })

  it('installs when Ollama is missing, through the same install stream as the wizard', async () => {
    const { service, calls, installer } = await openOllama({ installer: { detection: { reachable: false, version: undefined, installs: [] } } })
    await userEvent.click(await within(service).findByRole('button', { name: 'Install Ollama' }))
    expect(await within(service).findByText(/^Installing…/)).toBeTruthy()
    expect(routes(calls)).toEqual(['ollama.install'])
    await waitFor(() => installer.finish())
    expect(await within(service).findByText(/^Running: Ollama 0\.12\.6/)).toBeTruthy()
  })

  it('never offers to start, stop or remove an Ollama it did not install, and says how to manage it', async () => {
    const { service } = await openOllama({ installer: { detection: { version: '0.11.0', installs: [theirs] } } })
    expect(await within(service).findByText('Running: Ollama 0.11.0 at http://127.0.0.1:11434, installed outside Ollama Desk.')).toBeTruthy()
    for (const name of ['Start', 'Stop', 'Uninstall…', 'Install Ollama']) expect(within(service).queryByRole('button', { name })).toBeNull()
    expect(service.textContent).toContain('start, stop and update it the way it was installed')
  })

  it('a refused action is shown with its hint, and nothing else changes', async () => {
    const failing = { 'ollama.start': { code: 'E_IO' as const, message: 'Ollama did not answer within 30 s.', hint: 'Look at the Ollama log in the data folder.', retryable: true } }
    const { service } = await openOllama({ installer: { detection: { reachable: false, version: undefined, installs: [ours] } }, failing })
    await userEvent.click(await within(service).findByRole('button', { name: 'Start' }))
    expect((await within(service).findByRole('alert')).textContent).toBe('Ollama did not answer within 30 s. Look at the Ollama log in the data folder.')
    expect(within(service).getByText(/^Installed \(0\.12\.6\) but not running/)).toBeTruthy()
    expect(screen.getByRole('heading', { level: 3, name: 'Ollama' })).toBeTruthy()
  })
})
