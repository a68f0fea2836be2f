import { act, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it } from 'vitest'
import { localModel, recommendedModel } from '../../../test/fake-models'
import { renderApp } from '../../../test/render'
import { useAppStore } from '../../store/app-store'
import { usePulls } from '../../store/pull-store'

const GB = 1024 ** 3

const openModels = async (options: Parameters<typeof renderApp>[0] = {}) => {
  location.hash = '#/models'
  const rendered = await renderApp(options)
  await screen.findByRole('heading', { level: 1, name: 'Models' })
  return rendered
}

const withModels = {
  ollama: {
    models: [localModel('llama3.2:3b'), localModel('qwen3:8b', { family: 'qwen3', parameterSize: '8.2B', size: 5.2 * GB })],
    running: [{ name: 'llama3.2:3b', size: 2 * GB, sizeVram: 1 * GB, parameterSize: '3.2B', quantization: 'Q4_K_M' }],
    recommended: [recommendedModel('gemma3:4b', { title: 'Gemma 3 4B' }), recommendedModel('llama3.3:70b', { fit: 'too-big', reason: 'Needs 64 GB.' }), recommendedModel('qwen3:8b')],
  },
}

describe('Models screen', () => {
  afterEach(() => usePulls.setState({ pulls: [] }))

  it('lists installed models with their details, and what is loaded', async () => {
    await openModels(withModels)
    const table = await screen.findByRole('table')
    const rows = within(table).getAllByRole('row')
    expect(rows).toHaveLength(3)
    expect(rows[2]?.textContent).toContain('qwen3')
    expect(rows[2]?.textContent).toContain('8.2B')
    expect(rows[2]?.textContent).toContain('Q4_K_M')
    expect(screen.getByRole('region', { name: 'Ollama status' })).toBeTruthy()
    const running = screen.getByRole('region', { name: 'Running models' })
    expect(running.textContent).toContain('50% on GPU')
    await userEvent.click(within(running).getByRole('button', { name: 'Unload' }))
    await waitFor(() => expect(within(running).queryByRole('button', { name: 'Unload' })).toBeNull())
    expect(running.textContent).toContain('No model is loaded')
  })

  it('deletes only after an inline confirmation', async () => {
    const { ollama, calls } = await openModels(withModels)
    await userEvent.click(await screen.findByRole('button', { name: 'Delete qwen3:8b' }))
    const confirm = screen.getByRole('group', { name: 'Confirm deleting qwen3:8b' })
    await userEvent.click(within(confirm).getByRole('button', { name: 'Keep' }))
    expect(calls.some((c) => c.route === 'models.delete')).toBe(false)
    await userEvent.click(screen.getByRole('button', { name: 'Delete qwen3:8b' }))
    await userEvent.click(within(screen.getByRole('group', { name: 'Confirm deleting qwen3:8b' })).getByRole('button', { name: 'Delete' }))
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Delete qwen3:8b' })).toBeNull())
    expect(calls.find((c) => c.route === 'models.delete')?.input).toEqual({ name: 'qwen3:8b', confirm: true })
    expect(ollama.models().map((m) => m.name)).toEqual(['llama3.2:3b'])
  })

  it('pulls by name with per-layer and overall progress, then lists the model', async () => {
    const { ollama } = await openModels(withModels)
    await userEvent.type(screen.getByRole('textbox', { name: 'Pull a model' }), 'phi4-mini')
    await userEvent.click(screen.getByRole('button', { name: 'Pull' }))
    expect(ollama.pulling()).toEqual(['phi4-mini'])
    await waitFor(() => ollama.progress('phi4-mini', { status: 'pulling manifest' }))
    act(() => {
      ollama.progress('phi4-mini', { status: 'pulling aaaa', digest: 'sha256:aaaaaaaaaaaaaaaa', completed: 500, total: 1000, percent: 25, bytesPerSecond: 2048 })
      ollama.progress('phi4-mini', { status: 'pulling bbbb', digest: 'sha256:bbbbbbbbbbbbbbbb', completed: 0, total: 1000, percent: 25 })
    })
    const pull = screen.getByRole('listitem', { name: 'Pull phi4-mini' })
    expect(within(pull).getByRole('progressbar', { name: 'phi4-mini overall' }).getAttribute('aria-valuenow')).toBe('25')
    expect(within(pull).getByRole('progressbar', { name: 'layer aaaaaaaaaaaa' }).getAttribute('aria-valuenow')).toBe('50')
    expect(pull.textContent).toContain('2.0 KB/s')
    await waitFor(() => ollama.finish('phi4-mini'))
    await screen.findByRole('button', { name: 'phi4-mini' })
    expect(within(pull).getByText('Pulled')).toBeTruthy()
    await userEvent.click(within(pull).getByRole('button', { name: 'Dismiss' }))
    expect(screen.queryByRole('listitem', { name: 'Pull phi4-mini' })).toBeNull()
  })

  it('cancels a pull, resumes it, and shows a failure with its hint', async () => {
    const { ollama } = await openModels(withModels)
    const recommended = screen.getByRole('region', { name: 'Recommended models' })
    expect(recommended.textContent).toContain('GPU not detected')
    expect(within(recommended).queryByRole('button', { name: 'Pull qwen3:8b' })).toBeNull() // installed
    await userEvent.click(within(recommended).getByRole('button', { name: 'Pull gemma3:4b' }))
    const pull = screen.getByRole('listitem', { name: 'Pull gemma3:4b' })
    await userEvent.click(within(pull).getByRole('button', { name: 'Cancel' }))
    await within(pull).findByText('Cancelled; pull again to resume')
    await userEvent.click(within(pull).getByRole('button', { name: 'Resume' }))
    await waitFor(() => ollama.fail('gemma3:4b', { code: 'E_NETWORK', message: 'The download stopped.', hint: 'Pull again: Ollama resumes.', retryable: true }))
    const failed = await screen.findByRole('listitem', { name: 'Pull gemma3:4b' })
    await within(failed).findByText('Pull again: Ollama resumes.')
    expect(useAppStore.getState().notices.at(-1)).toMatchObject({ level: 'error', message: 'The download stopped.' })
    expect(within(failed).getByRole('button', { name: 'Retry' })).toBeTruthy()
  })

  it('refuses a name Ollama would not accept, before asking', async () => {
    const { ollama } = await openModels(withModels)
    await userEvent.type(screen.getByRole('textbox', { name: 'Pull a model' }), '../etc')
    await userEvent.click(screen.getByRole('button', { name: 'Pull' }))
    expect((await screen.findByRole('alert')).textContent).toMatch(/model name like/)
    expect(ollama.pulling()).toEqual([])
  })

  it('opens the details drawer, and closes it', async () => {
    await openModels(withModels)
    await userEvent.click(await screen.findByRole('button', { name: 'llama3.2:3b' }))
    const drawer = await screen.findByRole('dialog', { name: 'Details of llama3.2:3b' })
    await within(drawer).findByText('{{ .Prompt }}')
    expect(drawer.textContent).toContain('LLAMA 3.2 COMMUNITY LICENSE')
    expect(drawer.textContent).toContain('context 131072')
    await userEvent.click(within(drawer).getByRole('button', { name: 'Close' }))
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  it('says what to do with no models, and refreshes', async () => {
    const { calls } = await openModels({ ollama: {} })
    await screen.findByText('No models yet')
    expect(screen.queryByRole('region', { name: 'Recommended models' })).toBeNull()
    await userEvent.click(screen.getByRole('button', { name: 'Refresh' }))
    await waitFor(() => expect(calls.filter((c) => c.route === 'models.list')).toHaveLength(2))
  })

  it('shows the unreachable state with the core’s hint', async () => {
    await openModels({ failing: { 'models.list': { code: 'E_NETWORK', message: 'Ollama is not reachable at http://127.0.0.1:11434.', hint: 'Start it with `ollama serve`.', retryable: true } } })
    const state = await screen.findByRole('status', { name: 'Models unavailable' })
    expect(state.textContent).toContain('Start it with `ollama serve`.')
    expect(screen.queryByRole('table')).toBeNull()
  })

  it('reports a failed delete, unload or details request', async () => {
    const failing = { code: 'E_NETWORK' as const, message: 'Ollama went away.', hint: 'Start it.', retryable: true }
    await openModels({ ...withModels, failing: { 'models.delete': failing, 'models.unload': failing, 'models.show': failing } })
    await userEvent.click(await screen.findByRole('button', { name: 'Delete qwen3:8b' }))
    await userEvent.click(within(screen.getByRole('group', { name: 'Confirm deleting qwen3:8b' })).getByRole('button', { name: 'Delete' }))
    await waitFor(() => expect(useAppStore.getState().notices.at(-1)?.message).toBe('Ollama went away.'))
    await userEvent.click(screen.getByRole('button', { name: 'Unload' }))
    await userEvent.click(screen.getByRole('button', { name: 'llama3.2:3b' }))
    await waitFor(() => expect(useAppStore.getState().notices).toHaveLength(3))
    expect(screen.queryByRole('dialog')).toBeNull()
  })
})
