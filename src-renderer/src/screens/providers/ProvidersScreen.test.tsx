import { act, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import type { FakeApiOptions } from '../../../test/fake-api'
import { defaultRouting, healthOf, modelInfo, providerView } from '../../../test/fake-providers'
import { renderAt } from '../../../test/render'
import { untilText } from './HealthCards'

const base = (extra: NonNullable<FakeApiOptions['providers']> = {}): FakeApiOptions => ({
  providers: {
    providers: [providerView('ollama', 'ollama', { name: 'Ollama', baseUrl: 'http://127.0.0.1:11434' }), providerView('openai', 'openai', { name: 'OpenAI' }, { set: true, last4: 'wxyz' })],
    models: [modelInfo('ollama', 'llama3.2'), modelInfo('ollama', 'qwen3'), modelInfo('openai', 'gpt-4o')],
    health: [healthOf('ollama', { name: 'Ollama' }), healthOf('openai', { name: 'OpenAI', kind: 'openai' })],
    ...extra,
  },
})
const open = async (extra: NonNullable<FakeApiOptions['providers']> = {}) => {
  const rendered = await renderAt('#/providers', base(extra))
  await screen.findByRole('listitem', { name: 'Ollama' })
  return rendered
}
const row = (name: string) => screen.getByRole('listitem', { name })
const routingSection = () => screen.getByRole('region', { name: 'Routing, retries and budget' })

describe('Providers', () => {
  it('shows how to start the server a preset talks to', async () => {
    await open()
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Add a provider' }), 'llama.cpp RPC cluster')
    await userEvent.click(screen.getByRole('button', { name: 'Add provider' }))
    const form = screen.getByRole('form', { name: 'Add llama.cpp RPC cluster' })
    expect(within(form).getByText(/rpc-server -H 0\.0\.0\.0 -p 50052/)).toBeTruthy()
  })

  it('adds a provider: the URL is normalised with a note, the key goes out once and only its last four come back', async () => {
    const { providers: core, calls } = await open()
    expect(screen.getByRole('heading', { level: 1, name: 'Providers & Health' })).toBeTruthy()
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Add a provider' }), 'Ollama')
    await userEvent.click(screen.getByRole('button', { name: 'Add provider' }))
    const form = screen.getByRole('form', { name: 'Add Ollama' })
    expect(form.querySelector('.preset-note')).toBeNull()
    const url = within(form).getByRole('textbox', { name: 'Base URL' })
    await userEvent.clear(url)
    await userEvent.type(url, 'http://gpu-box:11434/v1/')
    await userEvent.tab()
    expect(await within(form).findByText('Removed /v1: Ollama’s native API lives at the host.')).toBeTruthy()
    expect(url).toHaveProperty('value', 'http://gpu-box:11434')
    await userEvent.clear(within(form).getByRole('textbox', { name: 'Name' }))
    await userEvent.type(within(form).getByRole('textbox', { name: 'Name' }), 'GPU box')
    await userEvent.click(within(form).getByRole('button', { name: 'Save' }))
    await waitFor(() => expect(row('GPU box')).toBeTruthy())
    expect(core.providers().at(-1)!.config).toMatchObject({ id: 'ollama-2', kind: 'ollama', name: 'GPU box', baseUrl: 'http://gpu-box:11434' })
    expect(calls.filter((c) => c.route === 'providers.save').map((c) => 'key' in (c.input as object))).toEqual([false])

    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Add a provider' }), 'OpenRouter')
    await userEvent.click(screen.getByRole('button', { name: 'Add provider' }))
    const router = screen.getByRole('form', { name: 'Add OpenRouter' })
    const key = within(router).getByLabelText('API key') as HTMLInputElement
    expect(key.type).toBe('password')
    await userEvent.type(key, 'sk-or-secret-9876')
    await userEvent.click(within(router).getByRole('button', { name: 'Save' }))
    await waitFor(() => expect(within(row('OpenRouter')).getByText('Key set · …9876')).toBeTruthy())
    expect(calls.find((c) => c.route === 'providers.save' && (c.input as { key?: string }).key)!.input).toMatchObject({ key: 'sk-or-secret-9876', config: { kind: 'openai-compatible', preset: 'openrouter' } })
    expect(document.body.innerHTML).not.toContain('sk-or-secret')

    await userEvent.click(within(row('OpenRouter')).getByRole('button', { name: 'Edit' }))
    const edit = screen.getByRole('form', { name: 'Edit OpenRouter' })
    expect(within(edit).getByText('Key set · …9876')).toBeTruthy()
    expect(edit.querySelector('input[type=password]')).toBeNull()
    await userEvent.click(within(edit).getByRole('button', { name: 'Clear' }))
    await waitFor(() => expect(edit.querySelector('input[type=password]')).toBeTruthy())
    expect(core.providers().find((p) => p.config.name === 'OpenRouter')!.key).toEqual({ set: false })
  })

  it('shows what a failed save says next to the form', async () => {
    await open()
    await userEvent.click(within(row('Ollama')).getByRole('button', { name: 'Edit' }))
    const form = screen.getByRole('form', { name: 'Edit Ollama' })
    await userEvent.clear(within(form).getByRole('textbox', { name: 'Name' }))
    await userEvent.click(within(form).getByRole('button', { name: 'Save' }))
    expect(await within(form).findByText('a provider needs a name', { selector: '.field-error' })).toBeTruthy()
  })

  it('tests a connection: latency, models and the URL understood, or the error with its hint', async () => {
    await open({
      tests: {
        ollama: { ok: true, latencyMs: 7, models: 3, understoodUrl: 'http://127.0.0.1:11434' },
        openai: { ok: false, latencyMs: null, models: 0, understoodUrl: 'https://api.openai.com/v1', error: { code: 'E_AUTH', message: 'OpenAI refused the key.', hint: 'Replace it.', retryable: false } },
      },
    })
    await userEvent.click(within(row('Ollama')).getByRole('button', { name: 'Test connection' }))
    expect((await within(row('Ollama')).findByRole('status')).textContent).toBe('Connected in 7 ms · 3 models · http://127.0.0.1:11434')
    await userEvent.click(within(row('OpenAI')).getByRole('button', { name: 'Test connection' }))
    const alert = await within(row('OpenAI')).findByRole('alert')
    expect(alert.textContent).toContain('OpenAI refused the key.')
    expect(alert.textContent).toContain('Replace it.')
    expect(within(row('OpenAI')).getByText('Key set · …wxyz')).toBeTruthy()
    // Each provider row carries its logo: Ollama's from simple-icons, OpenAI's a monogram (simple-icons has none).
    expect(row('Ollama').querySelector('.provider-logo')!.getAttribute('data-logo')).toBe('ollama')
    expect(row('OpenAI').querySelector('.provider-logo')!.getAttribute('data-logo')).toBe('monogram')
  })

  it('removes a provider only after an inline confirmation', async () => {
    const { providers: core } = await open()
    await userEvent.click(within(row('OpenAI')).getByRole('button', { name: 'Remove…' }))
    expect(within(row('OpenAI')).getByText('Remove OpenAI and its key?')).toBeTruthy()
    await userEvent.click(within(row('OpenAI')).getByRole('button', { name: 'Keep' }))
    expect(core.providers()).toHaveLength(2)
    await userEvent.click(within(row('OpenAI')).getByRole('button', { name: 'Remove…' }))
    await userEvent.click(within(row('OpenAI')).getByRole('button', { name: 'Remove' }))
    await waitFor(() => expect(screen.queryByRole('listitem', { name: 'OpenAI' })).toBeNull())
    expect(core.providers().map((p) => p.config.id)).toEqual(['ollama'])
  })
})

describe('Health', () => {
  it('status cards follow health.changed: pill, figures, breakers and hosts', async () => {
    const { providers: core } = await open()
    const card = () => screen.getByRole('article', { name: 'OpenAI health' })
    await waitFor(() => expect(within(card()).getByText('up')).toBeTruthy())
    expect(within(card()).getByText('300 ms / 900 ms')).toBeTruthy()
    expect(within(card()).getByText('42.0')).toBeTruthy()
    const until = Date.UTC(2030, 0, 1, 12, 30)
    act(() =>
      core.setHealth([
        healthOf('ollama', { name: 'Ollama', hosts: [{ url: 'http://gpu:11434', up: false, latencyMs: null, error: 'refused' }] }),
        healthOf('openai', {
          name: 'OpenAI',
          status: 'down',
          lastError: { code: 'E_RATE_LIMITED', message: 'Too many requests.', retryable: true },
          breakers: [{ model: 'gpt-4o', state: 'open', failures: 3, openUntil: until }, { model: 'gpt-4o-mini', state: 'half-open', failures: 1, openUntil: null }],
          traffic: { requests: 10, errorRate: 0.3, ttftP50Ms: null, ttftP95Ms: null, latencyP50Ms: 1500, latencyP95Ms: 4000, tokensPerSec: null },
          spend: { todayUsd: 0.0012, monthUsd: 1.5 },
        }),
      ]),
    )
    await waitFor(() => expect(within(card()).getByText('down')).toBeTruthy())
    const breakers = within(card()).getByRole('table', { name: 'OpenAI circuit breakers' })
    expect(within(breakers).getByRole('row', { name: /gpt-4o open/ }).textContent).toContain(untilText(until))
    expect(within(breakers).getByText('half-open')).toBeTruthy()
    expect(within(card()).getByText('30 % of 10')).toBeTruthy()
    expect(within(card()).getByText('$0.0012 / $1.50')).toBeTruthy()
    expect(within(card()).getByRole('note').textContent).toContain('Too many requests.')
    const hosts = within(screen.getByRole('article', { name: 'Ollama health' })).getByRole('table', { name: 'Ollama servers' })
    expect(within(hosts).getByText('refused')).toBeTruthy()
  })
})

describe('Routing', () => {
  const chain = [
    { providerId: 'openai', model: 'gpt-4o', enabled: true },
    { providerId: 'ollama', model: 'llama3.2', enabled: true },
  ]

  it('reorders the chain with the keyboard, adds and disables entries, and saves the new order', async () => {
    const { providers: core } = await open({ routing: { ...defaultRouting(), chain } })
    const section = routingSection()
    const list = await within(section).findByRole('list', { name: 'Fallback chain' })
    const order = () => within(list).getAllByRole('listitem').map((li) => li.getAttribute('aria-label'))
    expect(order()).toEqual(['OpenAI · gpt-4o', 'Ollama · llama3.2'])
    within(list).getByRole('button', { name: 'Move Ollama · llama3.2 up' }).focus()
    await userEvent.keyboard('{Enter}')
    expect(order()).toEqual(['Ollama · llama3.2', 'OpenAI · gpt-4o'])
    await waitFor(() => expect(within(section).getAllByRole('option', { name: /qwen3/ })).toHaveLength(1))
    await userEvent.selectOptions(within(section).getByRole('combobox', { name: 'Add to the chain' }), 'Ollama · qwen3')
    await userEvent.click(within(section).getByRole('button', { name: 'Add to chain' }))
    await userEvent.click(within(list).getByRole('switch', { name: 'Use OpenAI · gpt-4o' }))
    await userEvent.click(within(section).getByRole('checkbox', { name: 'Key refused (401/403)' }))
    await userEvent.click(within(section).getByRole('button', { name: 'Save routing' }))
    expect(await within(section).findByText('Saved.')).toBeTruthy()
    expect(core.routing().chain).toEqual([
      { providerId: 'ollama', model: 'llama3.2', enabled: true },
      { providerId: 'openai', model: 'gpt-4o', enabled: false },
      { providerId: 'ollama', model: 'qwen3', enabled: true },
    ])
    expect(core.routing().fallbackOn).toContain('auth')
  })

  it('checks budget caps before saving, and shows the route’s own validation next to its field', async () => {
    const { providers: core, calls } = await open({ budget: { todayUsd: 0.5, monthUsd: 3, dailyUsd: 1, monthlyUsd: 20, state: 'warn' } })
    const section = routingSection()
    const daily = await within(section).findByRole('textbox', { name: 'Daily budget (USD)' })
    const monthly = within(section).getByRole('textbox', { name: 'Monthly budget (USD)' })
    await userEvent.type(daily, '-3')
    await userEvent.click(within(section).getByRole('button', { name: 'Save routing' }))
    expect(within(section).getByText('A cap cannot be negative.')).toBeTruthy()
    await userEvent.clear(daily)
    await userEvent.type(daily, 'five')
    await userEvent.click(within(section).getByRole('button', { name: 'Save routing' }))
    expect(within(section).getByText(/Enter an amount in dollars/)).toBeTruthy()
    await userEvent.clear(daily)
    await userEvent.type(daily, '10')
    await userEvent.type(monthly, '5')
    await userEvent.click(within(section).getByRole('button', { name: 'Save routing' }))
    expect(within(section).getByText('The monthly cap is below the daily cap.')).toBeTruthy()
    expect(calls.filter((c) => c.route === 'routing.update')).toHaveLength(0)

    await userEvent.clear(monthly)
    await userEvent.type(monthly, '$50')
    const attempts = within(section).getByRole('spinbutton', { name: 'Attempts per model' })
    await userEvent.clear(attempts)
    await userEvent.type(attempts, '0')
    await userEvent.click(within(section).getByRole('button', { name: 'Save routing' }))
    expect(await within(section).findByText(/Too small/i, { selector: '.field-error' })).toBeTruthy()
    await userEvent.clear(attempts)
    await userEvent.type(attempts, '3')
    await userEvent.click(within(section).getByRole('button', { name: 'Save routing' }))
    await within(section).findByText('Saved.')
    expect(core.routing()).toMatchObject({ retry: { maxAttempts: 3 }, budget: { dailyUsd: 10, monthlyUsd: 50 } })
    expect(within(section).getByRole('meter', { name: 'Today spend' })).toBeTruthy()
  })
})

describe('Prices', () => {
  it('shows the shipped prices with their date and saves the user’s own', async () => {
    const { providers: core } = await open({ pricing: { defaultsDate: '2025-06-01', defaults: [{ match: 'openai:gpt-4o', inputPerMTok: 2.5, outputPerMTok: 10 }], overrides: [] } })
    const section = screen.getByRole('region', { name: 'Prices per million tokens' })
    expect(await within(section).findByText(/Shipped prices are from 2025-06-01/)).toBeTruthy()
    expect(within(within(section).getByRole('table', { name: 'Shipped prices' })).getByText('openai:gpt-4o')).toBeTruthy()
    await userEvent.click(within(section).getByRole('button', { name: 'Add a price' }))
    await userEvent.type(within(section).getByRole('textbox', { name: 'Pattern 1' }), 'openai:gpt-4o')
    await userEvent.type(within(section).getByRole('textbox', { name: 'Input price 1' }), '2')
    await userEvent.click(within(section).getByRole('button', { name: 'Save prices' }))
    expect(within(section).getByRole('alert').textContent).toContain('must be amounts of $0 or more')
    await userEvent.type(within(section).getByRole('textbox', { name: 'Output price 1' }), '8')
    await userEvent.click(within(section).getByRole('button', { name: 'Save prices' }))
    await within(section).findByText('Saved.')
    expect(core.overrides()).toEqual([{ match: 'openai:gpt-4o', inputPerMTok: 2, outputPerMTok: 8 }])
  })
})
