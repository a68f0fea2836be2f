import { act, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it } from 'vitest'
import { defaultSettings } from '../../../test/fake-api'
import { recommendedModel } from '../../../test/fake-models'
import { renderApp } from '../../../test/render'
import { usePulls } from '../../store/pull-store'
import { useAppStore } from '../../store/app-store'
import { useOnboarding } from '../../store/onboarding-store'

const firstRun = { settings: { ...defaultSettings(), onboarding: { completed: false } } }
const recommended = [recommendedModel('gemma3:4b', { title: 'Gemma 3 4B' }), recommendedModel('llama3.3:70b', { fit: 'too-big' }), recommendedModel('qwen3:8b', { title: 'Qwen 3 8B' })]
const wizard = () => screen.getByRole('dialog', { name: /./ })
const heading = (name: string) => screen.findByRole('heading', { level: 1, name })
const click = async (name: string | RegExp) => userEvent.click(await within(wizard()).findByRole('button', { name }))
/** The step list as a screen reader reads it: each step with how it ended (done, skipped, failed). */
const stepStates = () => within(within(wizard()).getByRole('list', { name: 'Setup steps' })).getAllByRole('listitem').map((item) => `${item.className}|${item.textContent}`)

describe('onboarding wizard', () => {
  afterEach(() => {
    usePulls.setState({ pulls: [] })
    useOnboarding.setState({ open: false, closed: false, step: 'welcome', model: undefined, install: undefined })
  })

  it('opens on first run only, and Skip setup remembers it', async () => {
    const { settings } = await renderApp(firstRun)
    await heading('Welcome to Ollama Desk')
    expect(within(wizard()).getByRole('list', { name: 'Setup steps' }).textContent).toContain('First chat')
    await click('Skip setup')
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(settings().onboarding.completed).toBe(true)
  })

  it('stays closed once completed', async () => {
    await renderApp()
    await heading('Chat')
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  it('walks from "not found" through install, pull and a first chat to done', async () => {
    const { installer, ollama, settings, calls } = await renderApp({ ...firstRun, installer: { detection: { reachable: false, installs: [] } }, ollama: { recommended } })
    await click('Get started')
    await heading('Find Ollama')
    await screen.findByText(/Ollama was not found/)
    expect(within(wizard()).getByRole('button', { name: 'Skip this step' })).toBeTruthy()

    await click('Install Ollama')
    await waitFor(() => installer.progress({ phase: 'download', bytes: 50 * 1024 ** 2, total: 100 * 1024 ** 2, bytesPerSecond: 10 * 1024 ** 2, etaSeconds: 5 }))
    const progress = screen.getByRole('status', { name: 'Installation progress' })
    expect(progress.textContent).toContain('Downloading Ollama')
    expect(progress.textContent).toContain('/s')
    expect(progress.textContent).toContain('5 s left')
    expect(within(progress).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('50')
    await click('Cancel')
    await screen.findByText(/installation was cancelled/)

    await click('Install Ollama')
    await waitFor(() => installer.fail({ code: 'E_NETWORK', message: 'The download failed.', hint: 'Check your connection.', retryable: true }))
    await screen.findByText('Check your connection.')
    await click('Retry the installation')
    await waitFor(() => installer.progress({ phase: 'health' }))
    expect(screen.getByRole('status', { name: 'Installation progress' }).textContent).toContain('Waiting for Ollama')
    await waitFor(() => installer.finish())
    await screen.findByText(/is running at/)
    expect(screen.getByText(/Installed for your user at/).textContent).toContain('/ollama/bin/ollama')
    await click('Next')

    await heading('Pick a first model')
    const choices = await screen.findByRole('group', { name: 'Recommended for this computer' })
    expect(within(choices).getAllByRole('radio')).toHaveLength(2)
    await userEvent.click(within(choices).getByRole('radio', { name: /Qwen 3 8B/ }))
    await click('Download qwen3:8b')
    await waitFor(() => ollama.progress('qwen3:8b', { status: 'pulling abc', digest: 'sha256:abc', completed: 5, total: 10, percent: 50, bytesPerSecond: 2048 }))
    expect(screen.getByRole('progressbar', { name: 'qwen3:8b download' }).getAttribute('aria-valuenow')).toBe('50')
    await waitFor(() => ollama.finish('qwen3:8b'))
    await screen.findByText('qwen3:8b is ready')
    await click('Next')

    await heading('Try it')
    await click('Send')
    expect(await screen.findByLabelText('Reply')).toBeTruthy()
    expect(screen.getByText(/answered in 1.2 s/)).toBeTruthy()
    expect(calls.find((c) => c.route === 'ollama.try')?.input).toEqual({ model: 'qwen3:8b', prompt: 'Say hello in one short sentence.' })
    await click('Next')
    await heading('Cloud providers')
    expect(await within(wizard()).findByRole('group', { name: 'Cloud provider' })).toBeTruthy()
    await click('Skip')
    await heading('You’re all set')
    await click('Back')
    await heading('Cloud providers')
    await click('Skip')
    await click('Start chatting')
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(settings().onboarding.completed).toBe(true)
  })

  it('starts an installed Ollama that is stopped', async () => {
    const installs = [{ path: '/home/u/.local/share/ollama-desk/ollama/bin/ollama', kind: 'ours' as const, ours: true, version: '0.12.6' }]
    await renderApp({ ...firstRun, installer: { detection: { reachable: false, installs } } })
    await click('Get started')
    await screen.findByText(/is installed at/)
    await click('Start Ollama')
    await screen.findByText(/is running at/)
  })

  it('mentions a newer Ollama release when one is available', async () => {
    await renderApp({ ...firstRun, installer: { detection: { latestVersion: '0.13.0', updateAvailable: true } } })
    await click('Get started')
    expect(await screen.findByText(/Ollama 0\.13\.0 is available; update it from Settings/)).toBeTruthy()
  })

  it('explains what to do when it cannot install or the port is taken, with a way out', async () => {
    await renderApp({ ...firstRun, installer: { detection: { reachable: false, methods: [], platform: 'freebsd' } } })
    await click('Get started')
    await screen.findByText(/not supported on freebsd yet/)
    expect(within(wizard()).getByRole('button', { name: 'Check again' })).toBeTruthy()
    await click('Skip this step')
    await heading('Pick a first model')
  })

  it('shows a port conflict and a system Ollama that is not ours', async () => {
    const portConflict = { message: 'Cannot start Ollama: port 11434 is in use.', hint: 'Pick another port.' }
    await renderApp({ ...firstRun, installer: { detection: { reachable: false, portConflict } } })
    await click('Get started')
    await screen.findByText('Pick another port.')
    await click('Check again')
    await screen.findByText('Pick another port.')
  })

  it('turns route failures into a message, a hint and Retry', async () => {
    const failing = { 'ollama.detect': { code: 'E_INTERNAL', message: 'Detection broke.', hint: 'Try again.', retryable: true }, 'models.recommended': { code: 'E_NETWORK', message: 'Ollama is not reachable.', retryable: true }, 'ollama.try': { code: 'E_TIMEOUT', message: 'Too slow.', hint: 'Wait.', retryable: true } } as const
    await renderApp({ ...firstRun, failing })
    await click('Get started')
    await screen.findByText('Detection broke.')
    await click('Retry')
    await screen.findByText('Detection broke.')
    await click('Skip this step')
    await screen.findByText('Ollama is not reachable.')
    await click('Skip this step')
    await screen.findByText(/Pick a model first/)
    act(() => useOnboarding.getState().setModel('llama3.2'))
    await click('Send')
    await screen.findByText('Too slow.')
    await click('Retry')
    await screen.findByText('Wait.')
  })

  it('shows a skipped step as skipped (grey) and a failed one as failed (red), never green', async () => {
    const failing = { 'ollama.try': { code: 'E_NETWORK', message: 'Ollama is not reachable.', hint: 'Start it with `ollama serve`.', retryable: true } } as const
    const { ollama } = await renderApp({ ...firstRun, installer: { detection: { reachable: false, installs: [] } }, ollama: { recommended, models: [] }, failing })
    await click('Get started')
    await screen.findByText(/Ollama was not found/)
    await click('Skip this step')
    await heading('Pick a first model')
    expect(stepStates().slice(0, 3)).toEqual(['done|✓ Welcome: done', 'skipped|– Ollama: skipped', 'current|First model'])
    await click('Download gemma3:4b')
    await waitFor(() => ollama.fail('gemma3:4b', { code: 'E_NETWORK', message: 'The registry did not answer.', retryable: true }))
    await within(wizard()).findByText('The registry did not answer.')
    await click('Skip this step')
    await heading('Try it')
    expect(stepStates()[2]).toBe('failed|✕ First model: failed')
    act(() => useOnboarding.getState().setModel('gemma3:4b'))
    await click('Send')
    // Inline code in a message shows as code, not as backticks.
    const hint = await screen.findByText((_, element) => element?.textContent === 'Start it with ollama serve.')
    expect(hint.querySelector('code')?.textContent).toBe('ollama serve')
    await click('Skip this step')
    await click('Skip')
    await heading('You’re all set')
    expect(stepStates()).toEqual(['done|✓ Welcome: done', 'skipped|– Ollama: skipped', 'failed|✕ First model: failed', 'failed|✕ First chat: failed', 'skipped|– Cloud providers: skipped', 'current|Done'])
    expect(within(wizard()).getByRole('list', { name: 'Left for later' }).textContent).toContain('Ollama was skipped: Models shows Ollama’s status with Install and Start.')
    // Back on a step, it is the current one again.
    await click('Back')
    expect(stepStates()[4]).toBe('current|Cloud providers')
  })

  it('keeps "Download" off until Ollama answers, and says why', async () => {
    const options = { ...firstRun, ollama: { recommended, models: [] }, status: { host: 'http://127.0.0.1:11434', reachable: false } }
    await renderApp(options)
    act(() => useOnboarding.getState().go('model'))
    const download = await within(wizard()).findByRole('button', { name: 'Download gemma3:4b' })
    await waitFor(() => expect(download.getAttribute('aria-describedby')).toBeTruthy())
    expect((download as HTMLButtonElement).disabled).toBe(true)
    expect(document.getElementById(download.getAttribute('aria-describedby') ?? '')?.textContent).toMatch(/^Ollama is not answering at http:\/\/127\.0\.0\.1:11434 yet, so nothing can be downloaded\. Go back to the Ollama step/)
    options.status = { host: 'http://127.0.0.1:11434', reachable: true }
    await click('Check again')
    await waitFor(() => expect((download as HTMLButtonElement).disabled).toBe(false))
    expect(download.getAttribute('aria-describedby')).toBeNull()
  })

  it('offers one way to try the installation again after it failed, not two', async () => {
    const { installer } = await renderApp({ ...firstRun, installer: { detection: { reachable: false, installs: [] } } })
    await click('Get started')
    await click('Install Ollama')
    await waitFor(() => installer.fail({ code: 'E_NETWORK', message: 'The download failed.', hint: 'Check your connection.', retryable: true }))
    await screen.findByText('Check your connection.')
    expect(within(wizard()).getAllByRole('button', { name: /install|retry/i }).map((b) => b.textContent)).toEqual(['Retry the installation'])
  })

  it('takes any model name, refusing nonsense', async () => {
    await renderApp({ ...firstRun, ollama: { recommended, models: [] } })
    act(() => useOnboarding.getState().go('model'))
    const name = await screen.findByRole('textbox', { name: 'Or any model name' })
    await userEvent.type(name, '../etc')
    await click('Use this name')
    expect(screen.getByRole('alert').textContent).toContain('model name')
    await userEvent.clear(name)
    await userEvent.type(name, 'phi4-mini')
    await click('Use this name')
    expect(within(wizard()).getByRole('button', { name: 'Download phi4-mini' })).toBeTruthy()
  })

  it('runs again from Settings and from the command palette', async () => {
    location.hash = '#/settings'
    await renderApp()
    await heading('Settings')
    await userEvent.click(screen.getByRole('button', { name: 'Run setup again' }))
    await heading('Welcome to Ollama Desk')
    await click('Skip setup')
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    act(() => useAppStore.getState().setPaletteOpen(true))
    // The palette's own box: the Settings screen behind it has selects of its own.
    await userEvent.type(within(await screen.findByRole('dialog')).getByRole('combobox'), 'setup again')
    await userEvent.keyboard('{Enter}')
    await heading('Welcome to Ollama Desk')
  })
})
