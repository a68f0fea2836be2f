import type { ChatEvent, ChatSendInput, PermissionDecision, Result, RouteInput, RouteName, RouteOutput, StreamResult } from '../../src-shared/contract'
import { createLocalClient } from '../../src-main/core/rpc'
import type { TestCore } from './core'
import { startOpenAiFake, type OpenAiFake } from './fakes/openai-server'
import { createRecordingCore } from './recording-core'

export interface ChatCore {
  t: TestCore
  openai: OpenAiFake
  target: { providerId: string; model: string }
  call<K extends RouteName>(route: K, input: RouteInput<K>): Promise<RouteOutput<K>>
  /** Sends a prompt; every permission request is answered with `answer`. */
  send(input: ChatSendInput, answer?: PermissionDecision): Promise<{ events: ChatEvent[]; result: Result<StreamResult<'chat.send'>> }>
  close(): Promise<void>
}

/**
 * A real core (owning its history, so app-start hooks and MCP servers run) with one OpenAI
 * provider on the loopback fake, no reachable local Ollama and no last resort: only the fake answers.
 */
export async function startChatCore(options: { models?: string[] } = {}): Promise<ChatCore> {
  const openai = await startOpenAiFake({ models: options.models ?? ['gpt-4o-mini'] })
  const { t } = createRecordingCore({ ownsHistory: true })
  const api = () => createLocalClient(t.core.dispatcher, 'test')
  const call: ChatCore['call'] = async (route, input) => {
    const result = await api().call(route, input)
    if (!result.ok) throw new Error(`${route}: ${result.error.message}`)
    return result.value
  }
  await t.core.settings.update({ ollama: { host: '127.0.0.1:9' } })
  await call('providers.save', { config: { id: 'openai', kind: 'openai', name: 'OpenAI', baseUrl: openai.url, proxy: { mode: 'none' } }, key: 'sk-chat-core-0123456789abcdef' })
  const routing = await call('routing.get', {})
  await call('routing.update', { ...routing, localLastResort: false })
  return {
    t,
    openai,
    target: { providerId: 'openai', model: 'gpt-4o-mini' },
    call,
    async send(input, answer = 'deny') {
      const events: ChatEvent[] = []
      const client = api()
      const result = await client.stream('chat.send', input, (event) => {
        events.push(event)
        if (event.type === 'permission') void client.call('tools.decide', { requestId: event.request.id, decision: answer })
      }).done
      return { events, result }
    },
    async close() {
      await t.core.close()
      await openai.close()
    },
  }
}
