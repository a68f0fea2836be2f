import { act, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it } from 'vitest'
import { defaultSettings, type FakeApiOptions } from '../../../test/fake-api'
import { providerView } from '../../../test/fake-providers'
import { renderApp } from '../../../test/render'
import { useOnboarding } from '../../store/onboarding-store'

const firstRun = { settings: { ...defaultSettings(), onboarding: { completed: false } } }
const wizard = () => screen.getByRole('dialog', { name: /./ })
const button = (name: string | RegExp) => within(wizard()).findByRole('button', { name })
const choices = () => screen.findByRole('group', { name: 'Cloud provider' })
const added = () => screen.getByRole('list', { name: 'Providers added' })

async function openCloudStep(options: FakeApiOptions = {}) {
  const rendered = await renderApp({ ...firstRun, ...options })
  act(() => useOnboarding.getState().go('cloud'))
  await screen.findByRole('heading', { level: 1, name: 'Cloud providers' })
  return rendered
}

async function saveKey(provider: string | RegExp, key: string) {
  await userEvent.click(within(await choices()).getByRole('radio', { name: provider }))
  const field = await within(wizard()).findByLabelText(/API key$/)
  await userEvent.type(field, key)
  await userEvent.click(await button('Save and test'))
}

describe('onboarding: cloud providers', () => {
  afterEach(() => useOnboarding.setState({ open: false, closed: false, step: 'welcome', model: undefined, install: undefined }))

  it('offers only the hosted providers that take a key, and says where the rest are', async () => {
    await openCloudStep()
    const radios = within(await choices()).getAllByRole('radio')
    expect(radios.map((radio) => radio.closest('label')!.textContent!.trim())).toEqual(['OpenAI', 'Anthropic', 'Google Gemini', 'Hugging Face', 'OpenRouter'])
    expect(within(wizard()).getByText(/keychain and never shown again/).textContent).toContain('llama.cpp, vLLM, LM Studio, exo, GGUF files')
    expect(within(wizard()).getByLabelText('OpenAI API key').getAttribute('type')).toBe('password')
  })

  it('saves the preset with the trimmed key, tests it, and never shows the key again', async () => {
    const tests = { openai: { ok: true, latencyMs: 80, models: 12, understoodUrl: 'https://api.openai.com/v1' } }
    const { calls, providers } = await openCloudStep({ providers: { tests } })
    expect(within(wizard()).getByRole('button', { name: 'Skip' })).toBeTruthy()
    await saveKey('OpenAI', '  sk-proj-secret-abcd1234  ')

    await within(added()).findByText(/Connected · 12 models/)
    expect(calls.find((c) => c.route === 'providers.save')!.input).toEqual({
      config: { id: 'openai', kind: 'openai', name: 'OpenAI', baseUrl: 'https://api.openai.com/v1', enabled: true, proxy: { mode: 'auto' } },
      key: 'sk-proj-secret-abcd1234',
    })
    expect(calls.find((c) => c.route === 'providers.test')!.input).toEqual({ id: 'openai' })
    expect(providers.providers().map((p) => [p.config.id, p.key])).toEqual([['openai', { set: true, last4: '1234' }]])
    expect(within(added()).getByText('Key saved · …1234')).toBeTruthy()
    expect(within(wizard()).getByRole('form', { name: 'Connect OpenAI' }).textContent).toContain('Key saved · …1234')
    expect(wizard().querySelector('input[type="password"]')).toBeNull()
    expect(document.body.innerHTML).not.toContain('sk-proj-secret')
    expect(within(wizard()).getByRole('button', { name: 'Next' })).toBeTruthy()
  })

  it('adds several providers one after another, OpenRouter under its preset name', async () => {
    const { calls } = await openCloudStep()
    await saveKey('Anthropic', 'sk-ant-0000aaaa')
    await within(added()).findByText(/Connected/)
    await userEvent.click(within(await choices()).getByRole('radio', { name: /OpenRouter/ }))
    expect((within(wizard()).getByLabelText('OpenRouter API key') as HTMLInputElement).value).toBe('')
    await saveKey(/OpenRouter/, 'sk-or-v1-bbbbcccc')
    await waitFor(() => expect(within(added()).getAllByRole('listitem')).toHaveLength(2))
    const saved = calls.filter((c) => c.route === 'providers.save').map((c) => c.input as { config: { id: string; kind: string; preset?: string } })
    expect(saved.map((s) => s.config)).toMatchObject([
      { id: 'anthropic', kind: 'anthropic', name: 'Anthropic', baseUrl: 'https://api.anthropic.com' },
      { id: 'openrouter', kind: 'openai-compatible', preset: 'openrouter', name: 'OpenRouter', baseUrl: 'https://openrouter.ai/api/v1' },
    ])
    expect(within(added()).getByText('Key saved · …cccc')).toBeTruthy()
    expect(within(await choices()).getAllByText('key saved')).toHaveLength(2)
  })

  it('shows why the connection test failed, with the hint, and tests again', async () => {
    const tests: NonNullable<FakeApiOptions['providers']>['tests'] = {
      gemini: { ok: false, latencyMs: null, models: 0, understoodUrl: 'https://generativelanguage.googleapis.com', error: { code: 'E_UNAUTHORIZED', message: 'Google Gemini refused the key (401).', hint: 'Check the key in Google AI Studio.', retryable: false } },
    }
    await openCloudStep({ providers: { tests } })
    await saveKey('Google Gemini', 'AIzaSyFAKEKEY9999')
    const problem = await within(added()).findByRole('alert')
    expect(problem.textContent).toContain('Google Gemini refused the key (401).')
    expect(problem.textContent).toContain('Check the key in Google AI Studio.')
    expect(within(added()).getByText('Key saved · …9999')).toBeTruthy()
    tests.gemini = { ok: true, latencyMs: 40, models: 1, understoodUrl: 'https://generativelanguage.googleapis.com' }
    await userEvent.click(within(problem).getByRole('button', { name: 'Test again' }))
    await within(added()).findByText(/Connected · 1 model$/)
  })

  it('refuses a key the contract rejects, saving nothing', async () => {
    const { providers } = await openCloudStep()
    await saveKey('Hugging Face', 'hf_ab')
    expect((await within(wizard()).findByRole('alert')).textContent).toContain('that key looks too short')
    expect(providers.providers()).toEqual([])
    expect(screen.queryByRole('list', { name: 'Providers added' })).toBeNull()
    await userEvent.click(await button('Edit the key'))
    expect(document.activeElement).toBe(within(wizard()).getByLabelText('Hugging Face API key'))
  })

  it('shows a key saved earlier only as its last four, and can replace it', async () => {
    const existing = providerView('openai', 'openai', { name: 'OpenAI', baseUrl: 'https://proxy.example/v1' }, { set: true, last4: 'wxyz' })
    const { calls } = await openCloudStep({ providers: { providers: [existing] } })
    expect((await within(wizard()).findByRole('form', { name: 'Connect OpenAI' })).textContent).toContain('Key saved · …wxyz')
    await userEvent.click(await button('Replace the key'))
    await userEvent.type(within(wizard()).getByLabelText('OpenAI API key'), 'sk-new-key-5678')
    await userEvent.click(await button('Save and test'))
    await within(added()).findByText('Key saved · …5678')
    // Re-keying keeps the address set up earlier.
    expect(calls.find((c) => c.route === 'providers.save')!.input).toMatchObject({ config: { id: 'openai', baseUrl: 'https://proxy.example/v1' }, key: 'sk-new-key-5678' })
  })

  it('can be skipped, saving nothing, and says so when providers cannot be listed', async () => {
    const failing = { 'providers.list': { code: 'E_INTERNAL', message: 'Providers could not be read.', hint: 'Restart the app.', retryable: true } } as const
    const { calls } = await openCloudStep({ failing })
    expect((await within(wizard()).findByRole('alert')).textContent).toContain('Restart the app.')
    await userEvent.click(await button('Skip'))
    await screen.findByRole('heading', { level: 1, name: 'You’re all set' })
    expect(within(wizard()).getByText(/cloud providers and their keys in Providers & Health/)).toBeTruthy()
    expect(calls.some((c) => c.route === 'providers.save')).toBe(false)
  })
})
