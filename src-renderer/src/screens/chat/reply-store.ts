import { create } from 'zustand'
import type { ApiClient, Attempt, ChatEvent, ChatSendInput, ErrorShape, PermissionDecision, PermissionRequest, StreamResult } from '../../../../src-shared/contract'
import { useAppStore } from '../../store/app-store'

/** The key of a reply sent from a new chat, before the core has named its session. */
export const NEW_CHAT = '#new'

type ToolCall = Extract<ChatEvent, { type: 'tool_call' }>['call']
type Usage = Extract<ChatEvent, { type: 'usage' }>
export type ToolResult = Extract<ChatEvent, { type: 'tool_result' }>
export type HookNotice = Extract<ChatEvent, { type: 'hook' }>

export interface LiveReply {
  input: ChatSendInput
  startedAt: number
  status: 'streaming' | 'done' | 'failed' | 'cancelled'
  sessionId?: string
  userMessageId?: string | null
  /** The message this round streams into: the first round's, then each new round's (the `round` event). */
  assistantMessageId?: string
  /** What the current round's message follows, from its second round on (a tool result, the round before). */
  parentId?: string
  /** The rounds of this turn before the current one, as they ended (shown until their stored rows catch up). */
  rounds?: EarlierRound[]
  answering?: { providerId: string; model: string }
  attempts: Attempt[]
  /** The latest retry, said plainly ("Retrying openai · gpt-4o in 2 s: 429"). */
  retry?: string
  text: string
  reasoning: string
  toolCalls: ToolCall[]
  /** Tool calls waiting for the user's answer (tools.decide); emptied when the reply ends. */
  permissions: PermissionRequest[]
  toolResults: ToolResult[]
  hookNotices: HookNotice[]
  usage?: Usage
  budget?: string
  /** What the core told the user about this turn (a parameter the provider does not take, settings reset). */
  notices?: string[]
  error?: ErrorShape
  result?: StreamResult<'chat.send'>
  cancel(): void
}

/** A finished round of a turn that went on (after its tool calls, or a Stop hook's continuation), as it streamed. */
export interface EarlierRound {
  id: string
  parentId?: string
  text: string
  reasoning: string
  toolCalls: ToolCall[]
  answering?: LiveReply['answering']
  usage?: Usage
}

interface ReplyState {
  /** One reply per session key (a session id, or NEW_CHAT). */
  replies: Record<string, LiveReply>
  /** Fallback attempts of finished replies, by message id, for the "Answered by … · skipped …" line. */
  attempts: Record<string, Attempt[]>
  /** Permission requests already answered, by request id: the dialog moves on to the next one. */
  answered: Record<string, PermissionDecision>
  /** Opens chat.send; `onStarted` hears the session id (a new chat navigates to it). */
  send(api: ApiClient, key: string, input: ChatSendInput, onStarted?: (sessionId: string) => void): void
  stop(key: string): void
  /** Answers a tool call's permission request; a refused answer is reported and the dialog stays closed. */
  decide(api: ApiClient, requestId: string, decision: PermissionDecision): Promise<void>
  forget(key: string): void
}

/** Streamed text arrives in many small pieces; the view repaints at most once a frame. */
const nextFrame = (run: () => void): void => {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(run)
  else setTimeout(run, 16)
}

/** The round just ended keeps what it streamed; the new one starts empty in its own message. */
const nextRound = (reply: LiveReply, event: Extract<ChatEvent, { type: 'round' }>): LiveReply => {
  const ended: EarlierRound | undefined = reply.assistantMessageId
    ? { id: reply.assistantMessageId, parentId: reply.parentId, text: reply.text, reasoning: reply.reasoning, toolCalls: reply.toolCalls, answering: reply.answering, usage: reply.usage }
    : undefined
  const rounds = [...(reply.rounds ?? []), ...(ended ? [ended] : [])]
  return { ...reply, assistantMessageId: event.assistantMessageId, parentId: event.parentId, rounds, text: '', reasoning: '', toolCalls: [], usage: undefined }
}

/** The reply after one more event of its stream. */
export const replyAfter = (reply: LiveReply, event: ChatEvent): LiveReply => {
  switch (event.type) {
    case 'started':
      return { ...reply, sessionId: event.sessionId, userMessageId: event.userMessageId, assistantMessageId: event.assistantMessageId }
    case 'round':
      return nextRound(reply, event)
    case 'attempt':
      return { ...reply, attempts: [...reply.attempts, event.attempt] }
    case 'retry':
      return { ...reply, retry: `Retrying ${event.providerId} · ${event.model} in ${Math.ceil(event.delayMs / 1000)} s: ${event.reason}` }
    case 'answering':
      // A fallback starts over: what the failed provider streamed is not part of this answer.
      return { ...reply, answering: { providerId: event.providerId, model: event.model }, retry: undefined, text: '', reasoning: '', toolCalls: [] }
    case 'text':
      return { ...reply, text: reply.text + event.text }
    case 'reasoning':
      return { ...reply, reasoning: reply.reasoning + event.text }
    case 'tool_call':
      return { ...reply, toolCalls: [...reply.toolCalls, event.call] }
    case 'usage':
      return { ...reply, usage: event }
    case 'budget':
      return { ...reply, budget: event.message }
    case 'permission':
      return { ...reply, permissions: [...reply.permissions, event.request] }
    case 'tool_result':
      return { ...reply, toolResults: [...reply.toolResults, event] }
    case 'hook':
      return { ...reply, hookNotices: [...reply.hookNotices, event] }
    case 'notice':
      return { ...reply, notices: [...(reply.notices ?? []), event.message] }
  }
}

export const useReplies = create<ReplyState>((set, get) => {
  const put = (key: string, reply: LiveReply): void => set((state) => ({ replies: { ...state.replies, [key]: reply } }))
  return {
    replies: {},
    attempts: {},
    answered: {},
    send(api, key, input, onStarted) {
      if (get().replies[key]?.status === 'streaming') return
      let current = key
      let draft: LiveReply
      let scheduled = false
      const flush = (): void => {
        scheduled = false
        put(current, draft)
      }
      const handle = api.stream('chat.send', input, (event) => {
        draft = replyAfter(draft, event)
        if (event.type === 'started') {
          // From here on the reply belongs to its session (a new chat gets one now).
          if (current !== event.sessionId) {
            const previous = current
            current = event.sessionId
            set((state) => {
              const { [previous]: _moved, ...rest } = state.replies
              return { replies: { ...rest, [current]: draft } }
            })
          } else flush()
          onStarted?.(event.sessionId)
          return
        }
        // Someone is waiting to be asked: no reason to wait for the next frame.
        if (event.type === 'permission') return flush()
        if (!scheduled) {
          scheduled = true
          nextFrame(() => scheduled && flush())
        }
      })
      draft = { input, startedAt: Date.now(), status: 'streaming', attempts: [], text: '', reasoning: '', toolCalls: [], permissions: [], toolResults: [], hookNotices: [], cancel: () => handle.cancel() }
      put(key, draft)
      void handle.done.then((result) => {
        scheduled = false
        // Once the reply ends, no tool call waits for an answer any more.
        draft = { ...draft, permissions: [] }
        if (result.ok) {
          draft = { ...draft, status: 'done', result: result.value, sessionId: result.value.sessionId, attempts: result.value.attempts.length > 0 ? result.value.attempts : draft.attempts }
          set((state) => ({ attempts: { ...state.attempts, [result.value.message.id]: draft.attempts } }))
        } else {
          draft = { ...draft, status: result.error.code === 'E_CANCELLED' ? 'cancelled' : 'failed', error: result.error }
        }
        put(current, draft)
      })
    },
    stop: (key) => get().replies[key]?.cancel(),
    async decide(api, requestId, decision) {
      set((state) => ({ answered: { ...state.answered, [requestId]: decision } }))
      const result = await api.call('tools.decide', { requestId, decision })
      if (!result.ok) useAppStore.getState().notifyError(result.error)
      else if (!result.value.accepted) useAppStore.getState().notify({ level: 'warning', message: 'That tool call no longer waits for an answer.', timeoutMs: 6000 })
    },
    forget: (key) =>
      set((state) => {
        const { [key]: _gone, ...rest } = state.replies
        return { replies: rest }
      }),
  }
})

/** What to send to try a failed reply again: regenerate it when the core saved it, else resend. */
export function retryInput(reply: LiveReply): ChatSendInput {
  if (reply.assistantMessageId && reply.sessionId) {
    return { sessionId: reply.sessionId, text: '', regenerate: reply.assistantMessageId, target: reply.input.target }
  }
  return reply.input
}
