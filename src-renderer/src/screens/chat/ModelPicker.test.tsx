import { render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { useState } from 'react'
import { describe, expect, it } from 'vitest'
import type { ChatTarget } from '../../../../src-shared/contract'
import { modelInfo, providerView } from '../../../test/fake-providers'
import { AUTO } from './chat-prefs'
import { contextLabel, priceLabel } from './model-options'
import { ModelPicker } from './ModelPicker'

const providers = [providerView('ollama', 'ollama', { name: 'Ollama' }), providerView('openai', 'openai', { name: 'OpenAI' })]
const models = [
  modelInfo('openai', 'gpt-4o', { caps: { vision: true, tools: true, contextWindow: 128000 }, price: { inputPerMTok: 2.5, outputPerMTok: 10 } }),
  modelInfo('openai', 'o3-mini', { caps: { reasoning: true, contextWindow: 200000 }, price: null }),
  modelInfo('ollama', 'llama3.2', { caps: { tools: true, contextWindow: 131072 } }),
  modelInfo('ollama', 'qwen3', { caps: { reasoning: true, contextWindow: 40960 } }),
]

function Harness() {
  const [value, setValue] = useState<ChatTarget>(AUTO)
  return (
    <>
      <ModelPicker providers={providers} models={models} value={value} onChange={setValue} />
      <output aria-label="Chosen">{JSON.stringify(value)}</output>
    </>
  )
}

const chosen = () => JSON.parse(screen.getByRole('status', { name: 'Chosen' }).textContent!)

describe('Model picker', () => {
  it('lists Auto and every model grouped by provider, with capability badges and prices', async () => {
    render(<Harness />)
    const trigger = screen.getByRole('button', { name: 'Model: Auto (fallback chain)' })
    expect(trigger.getAttribute('aria-expanded')).toBe('false')
    await userEvent.click(trigger)
    const list = screen.getByRole('listbox', { name: 'Models' })
    const groups = within(list).getAllByRole('group')
    expect(groups).toEqual([within(list).getByRole('group', { name: 'Ollama' }), within(list).getByRole('group', { name: 'OpenAI' })])
    // Each group shows its provider's logo (simple-icons), or a monogram for a brand it lacks.
    const logos = groups.map((g) => document.getElementById(g.getAttribute('aria-labelledby')!)!.querySelector('.provider-logo')!)
    expect(logos.map((logo) => logo.getAttribute('data-logo'))).toEqual(['ollama', 'monogram'])
    expect(logos[0]!.querySelector('path')!.getAttribute('d')).toMatch(/^M/)
    expect(logos[1]!.textContent).toBe('O')
    const options = within(list).getAllByRole('option')
    expect(options.map((o) => o.querySelector('.model-name')!.textContent)).toEqual(['Auto (fallback chain)', 'llama3.2', 'qwen3', 'gpt-4o', 'o3-mini'])
    expect(options[0]!.getAttribute('aria-selected')).toBe('true')
    const gpt = options[3]!
    expect([...gpt.querySelectorAll('.cap')].map((b) => b.textContent)).toEqual(['tools', 'vision', '128k'])
    expect(within(gpt).getByText('$2.50 in · $10.00 out per 1M')).toBeTruthy()
    expect(within(options[1]!).getByText('free · local')).toBeTruthy()
    expect(within(options[4]!).getByText('price unknown')).toBeTruthy()
    expect([...options[4]!.querySelectorAll('.cap')].map((b) => b.textContent)).toEqual(['reasoning', '200k'])
  })

  it('searches fuzzily and is driven by the keyboard: arrows, Enter, Escape', async () => {
    render(<Harness />)
    await userEvent.click(screen.getByRole('button', { name: /^Model:/ }))
    const search = screen.getByRole('combobox', { name: 'Search models' })
    expect(document.activeElement).toBe(search)
    await userEvent.type(search, 'gpt')
    expect(within(screen.getByRole('listbox')).getAllByRole('option').map((o) => o.querySelector('.model-name')!.textContent)).toEqual(['gpt-4o'])
    await userEvent.clear(search)
    await userEvent.type(search, 'qwen')
    await userEvent.keyboard('{Enter}')
    expect(chosen()).toEqual({ providerId: 'ollama', model: 'qwen3' })
    expect(screen.queryByRole('listbox')).toBeNull()
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Model: qwen3 · Ollama' }))

    await userEvent.keyboard('{Enter}')
    const active = () => document.getElementById(screen.getByRole('combobox').getAttribute('aria-activedescendant')!)!
    expect(active().textContent).toContain('qwen3')
    await userEvent.keyboard('{ArrowDown}{ArrowDown}')
    expect(active().textContent).toContain('o3-mini')
    await userEvent.keyboard('{ArrowDown}{ArrowUp}{ArrowUp}{ArrowUp}')
    expect(active().textContent).toContain('llama3.2')
    await userEvent.keyboard('{Escape}')
    expect(screen.queryByRole('listbox')).toBeNull()
    expect(chosen()).toEqual({ providerId: 'ollama', model: 'qwen3' })
    await userEvent.keyboard('{Enter}{Home}{Enter}')
    expect(chosen()).toEqual({ auto: true })
    await userEvent.click(screen.getByRole('button', { name: /^Model:/ }))
    await userEvent.type(screen.getByRole('combobox'), 'zzz')
    expect(screen.getByText('No model matches “zzz”.')).toBeTruthy()
  })

  it('says context windows and prices as people do', () => {
    expect([contextLabel(131072), contextLabel(128000), contextLabel(1_048_576), contextLabel(2_000_000), contextLabel(512)]).toEqual(['128k', '128k', '1M', '2M', '512'])
    expect(priceLabel(modelInfo('x', 'y', { price: { inputPerMTok: 0.15, outputPerMTok: 0.6 } }))).toBe('$0.15 in · $0.60 out per 1M')
  })
})
