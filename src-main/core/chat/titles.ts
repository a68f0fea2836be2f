import type { ChatProvider, ProviderRegistry } from '../providers'
import type { Message, SessionStore } from '../sessions'

const INSTRUCTIONS = 'Write a title of at most six words for this conversation. Answer with the title only: no quotes, no punctuation at the end, no preamble.'
/** The most of the prompt and reply the title model reads. */
const EXCERPT = 2000

export interface TitleDeps {
  sessions: () => Promise<SessionStore>
  registry: Pick<ProviderRegistry, 'provider'>
  /** Settings → Chat: the utility model for titles (null: the chat's own model), and whether titles are made at all. */
  titleTarget: () => { providerId: string; model: string } | null
  enabled: () => boolean
  changed: (sessionIds: string[]) => void
  log?: { warn(obj: object, msg: string): void }
}

export type TitleOutcome = { status: 'titled'; title: string } | { status: 'skipped' | 'failed'; reason: string }

/**
 * Names a chat after its first reply with the utility model (default: the model that answered).
 * Runs after the reply is saved and never throws: a provider error, a timeout or an empty answer
 * leave the first-line title in place. A title the user set by hand always wins.
 */
export async function generateTitle(deps: TitleDeps, sessionId: string, answeredBy: { providerId: string; model: string }, timeoutMs: number): Promise<TitleOutcome> {
  try {
    if (!deps.enabled()) return { status: 'skipped', reason: 'automatic titles are off' }
    const store = await deps.sessions()
    if ((await store.titleSource(sessionId)) === 'user') return { status: 'skipped', reason: 'renamed by hand' }
    const page = await store.getMessages(sessionId, { limit: 4 })
    const prompt = page.messages.find((m: Message) => m.role === 'user')
    const reply = page.messages.find((m: Message) => m.role === 'assistant' && m.status === 'complete')
    if (!prompt || !reply) return { status: 'skipped', reason: 'no complete first exchange' }
    const target = deps.titleTarget() ?? answeredBy
    const title = await ask(deps.registry.provider(target.providerId), target.model, `${prompt.text.slice(0, EXCERPT)}`, reply.text.slice(0, EXCERPT), timeoutMs)
    if (!title) return { status: 'failed', reason: 'the model gave an empty title' }
    const session = await store.setAutoTitle(sessionId, title)
    if (!session) return { status: 'skipped', reason: 'renamed by hand' }
    deps.changed([sessionId])
    return { status: 'titled', title: session.title }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    deps.log?.warn({ sessionId, reason }, 'chat title not generated')
    return { status: 'failed', reason }
  }
}

async function ask(provider: ChatProvider, model: string, prompt: string, reply: string, timeoutMs: number): Promise<string> {
  const stop = new AbortController()
  const timer = setTimeout(() => stop.abort(new Error(`no title within ${timeoutMs} ms`)), timeoutMs)
  try {
    let text = ''
    const request = {
      model,
      maxTokens: 32,
      messages: [
        { role: 'system' as const, content: INSTRUCTIONS },
        { role: 'user' as const, content: `User: ${prompt}\n\nAssistant: ${reply}\n\nTitle:` },
      ],
    }
    for await (const chunk of provider.chat(request, stop.signal)) {
      if (chunk.type === 'text') text += chunk.text
      if (stop.signal.aborted) throw stop.signal.reason as Error
    }
    return cleanGenerated(text)
  } finally {
    clearTimeout(timer)
  }
}

/** The first line, without quotes, a "Title:" prefix or a trailing full stop; at most 80 characters. */
export function cleanGenerated(text: string): string {
  const withoutThinking = text.replace(/<think>[\s\S]*?<\/think>/g, '')
  const line = withoutThinking.trim().split('\n')[0] ?? ''
  return line
    .replace(/^(title|titre)\s*:\s*/i, '')
    .replace(/^["'“”*#\s]+|["'“”*\s]+$/g, '')
    .replace(/[.。]$/, '')
    .trim()
    .slice(0, 80)
}
