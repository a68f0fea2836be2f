import { act, render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it } from 'vitest'
import type { ApiClient, ChatSettings, Result, RouteOutput } from '../../../../src-shared/contract'
import { ApiProvider } from '../../api/context'
import { fakeApi } from '../../../test/fake-api'
import { AUTO, useChatPrefs } from './chat-prefs'
import { ModelGone } from './ModelGone'

type Check = RouteOutput<'chat.model.check'>

/**
 * The "model gone" banner of a chat whose stored model is no longer offered: the app's fake API,
 * with the two routes the banner reads answering as the core does for such a chat.
 */
function chatApi(settings: ChatSettings, check: Check): { api: ApiClient; checked: unknown[]; reads: string[] } {
  const base = fakeApi().api
  const checked: unknown[] = []
  const reads: string[] = []
  const ok = <T,>(value: T): Result<T> => ({ ok: true, value })
  const api: ApiClient = {
    ...base,
    call: ((route: string, input: unknown) => {
      if (route === 'chat.settings.get') {
        reads.push((input as { sessionId: string }).sessionId)
        return Promise.resolve(ok({ settings, notice: null }))
      }
      if (route === 'chat.model.check') {
        checked.push(input)
        return Promise.resolve(ok(check))
      }
      return base.call(route as never, input as never)
    }) as ApiClient['call'],
  }
  return { api, checked, reads }
}

const gone = { providerId: 'ollama', model: 'llama3.2:1b' }
const alternatives: Check['alternatives'] = [
  { providerId: 'ollama', model: 'llama3.2:3b', reason: 'family' },
  { providerId: 'ollama', model: 'qwen3:latest', reason: 'provider' },
  { providerId: 'openai', model: 'gpt-4o-mini', reason: 'default' },
]

beforeEach(() => useChatPrefs.getState().choose(AUTO))

describe('a chat whose model is gone', () => {
  it('says which model is gone and offers the same family, the same provider, then the default; picking one switches the composer to it', async () => {
    const { api, checked } = chatApi({ target: gone, params: {} }, { available: false, alternatives })
    render(<ApiProvider api={api}><ModelGone sessionId="s1" /></ApiProvider>)
    const banner = await screen.findByRole('status')
    expect(banner.textContent).toContain('This chat used llama3.2:1b · ollama, which is no longer offered. Continue with:')
    expect(checked).toEqual([{ target: gone }])
    const choices = screen.getAllByRole('button').map((b) => b.textContent)
    expect(choices).toEqual(['llama3.2:3b (same family)', 'qwen3:latest (same provider)', 'gpt-4o-mini (default model)'])
    await userEvent.click(screen.getByRole('button', { name: 'qwen3:latest (same provider)' }))
    expect(useChatPrefs.getState().target).toEqual({ providerId: 'ollama', model: 'qwen3:latest' })
    await waitFor(() => expect(screen.queryByRole('status')).toBeNull())
  })

  it('with nothing to offer, points to the model picker', async () => {
    const { api } = chatApi({ target: gone, params: {} }, { available: false, alternatives: [] })
    render(<ApiProvider api={api}><ModelGone sessionId="s1" /></ApiProvider>)
    expect((await screen.findByRole('status')).textContent).toBe('This chat used llama3.2:1b · ollama, which is no longer offered. Pick another model below.')
    expect(screen.queryAllByRole('button')).toEqual([])
  })

  it('shows nothing while the chat’s model is still offered, or for a chat on Auto', async () => {
    const installed = chatApi({ target: gone, params: {} }, { available: true, alternatives: [] })
    const { unmount } = render(<ApiProvider api={installed.api}><ModelGone sessionId="s1" /></ApiProvider>)
    await waitFor(() => expect(installed.checked).toHaveLength(1))
    expect(screen.queryByRole('status')).toBeNull()
    unmount()

    const auto = chatApi({ target: AUTO, params: {} }, { available: false, alternatives })
    render(<ApiProvider api={auto.api}><ModelGone sessionId="s2" /></ApiProvider>)
    // The banner read the chat's settings and, on Auto, checks nothing.
    await waitFor(() => expect(auto.reads).toEqual(['s2']))
    await act(async () => {})
    expect(auto.checked).toEqual([])
    expect(screen.queryByRole('status')).toBeNull()
  })
})
