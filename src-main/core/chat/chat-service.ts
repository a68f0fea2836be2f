import { reusesPrompt, type ChatEvent, type ChatSendInput, type Routing } from '../../../src-shared/contract'
import type { StreamResult } from '../../../src-shared/contract'
import { AppError, ValidationError } from '../errors'
import type { Logger } from 'pino'
import type { ChatRequest, ModelCatalog, ProviderMessage, ProviderRegistry, ToolSpec } from '../providers'
import { budgetStatus, streamWithFallback, type BreakerRegistry, type FallbackOptions, type ResilienceEvent, type ResilientOutcome, type SpendLedger } from '../resilience'
import type { TrafficRecorder } from '../health'
import type { Message, NewMessage, NewSession, Session, SessionStore } from '../sessions'
import { NoProviderError, planCandidates } from './candidates'
import type { ChatSettingsService, ResolvedTurn } from './chat-settings'
import { ChatTrace, type ChatTurnSummary } from './chat-span'
import type { Tracing } from '../telemetry'
import { documentBlock, type DocumentUploads } from '../documents'
import { beginMark } from '../profiling'
import { skillSlashCommand } from '../skills'
import { ChatDocuments, storedFiles, titleSource, withDocumentBlocks } from './documents'
import { titleFrom, toProviderMessages } from './history'
import { streamRound, type RoundResult } from './reply-round'
import { resumeSession, systemContext } from './session-start'
import { askStopHooks } from './stop-hooks'
import { MAX_TOOL_ROUNDS, hookNotices, runToolCalls, skillModelOf, type AgentRuntime, type TurnSkills } from './tool-loop'
import { limitTools } from './tool-set'
import { budgetError, budgetWarning, checkWorkspace, withSkillModel } from './turn-checks'

type ParsedSend = Omit<ChatSendInput, 'target'> & { target: ChatSendInput['target'] }
type SendResult = StreamResult<'chat.send'>

export interface ChatClock {
  now(): number
  sleep(ms: number, signal: AbortSignal): Promise<void>
  random(): number
}

export interface ChatServiceDeps {
  sessions: () => Promise<SessionStore>
  registry: ProviderRegistry
  catalog: ModelCatalog
  routing: () => Routing
  priceOverrides: () => import('../../../src-shared/contract').PriceEntry[]
  breakers: BreakerRegistry
  ledger: SpendLedger
  recorder?: TrafficRecorder
  /** Told on every chat so health probes run at the active pace. */
  markActive?: () => void
  changed: (sessionIds: string[]) => void
  clock: ChatClock
  log?: Logger
  /** Hooks, built-in tools and permissions; without it chats run no hooks and offer no tools. */
  agent?: AgentRuntime
  /** Where hooks run when a chat has no workspace. */
  homeDir?: string
  /** `/name args` in a prompt runs that skill (SkillTrigger hooks, its scripts) and sends its instructions. */
  /** Spans for each chat request; none while tracing is off. */
  tracing?: Tracing
  /** Documents staged by `attachments.upload`; without it a message cannot carry documents. */
  documents?: DocumentUploads
  /** Per-chat settings: each turn runs with the chat's stored model, system prompt and parameters. */
  chatSettings?: ChatSettingsService
  /** Names a new chat after its first reply (never blocks the reply; see titles.ts). */
  title?: (sessionId: string, answeredBy: { providerId: string; model: string }) => Promise<unknown>
  runSkill?: (name: string, args: string, ctx: { sessionId: string | null; workspace?: string | null; signal?: AbortSignal }) => Promise<{ loaded?: { skill: { name: string; allowedTools: string[]; model?: string } }; result: { allowed: boolean; reason?: string; content: string } }>
  /**
   * Passages of the chat's knowledge bases for a prompt, as one numbered block for the model
   * (core/knowledge context.ts); undefined when nothing relevant fits. None: chats use no knowledge bases.
   */
  knowledge?: (input: { bases: string[]; query: string; signal: AbortSignal }) => Promise<string | undefined>
  /** Automatic compaction before a new prompt in a long chat (context-window.ts); none: never. */
  compactBeforeSend?: (sessionId: string, target: { providerId: string; model: string }, promptText: string, signal: AbortSignal, params?: ResolvedTurn['params']) => AsyncGenerator<ChatEvent, void>
}

/**
 * One chat turn end to end: save the prompt, pick who answers, stream through retries and
 * fallbacks into the store as it arrives, count tokens and cost, and never store a reply that no
 * model wrote.
 */
export class ChatService {
  private streaming = 0
  private readonly titles = new Set<Promise<unknown>>()
  private readonly turnListeners = new Set<(turn: ChatTurnSummary) => void>()
  private readonly documents: ChatDocuments

  constructor(private readonly deps: ChatServiceDeps) {
    this.documents = new ChatDocuments(deps.documents)
  }

  /** The knowledge passages for a prompt of a chat that has knowledge bases attached (none for a new chat: it has no settings yet). */
  private async knowledgeFor(sessionId: string | undefined, query: string, signal: AbortSignal): Promise<string | undefined> {
    const { knowledge, chatSettings } = this.deps
    if (!knowledge || !chatSettings || !sessionId || query.trim() === '') return undefined
    const bases = (await chatSettings.get(sessionId)).settings.knowledge ?? []
    return bases.length === 0 ? undefined : knowledge({ bases, query, signal })
  }

  /** Replies being streamed right now (an app update waits for none before it restarts). */
  get activeReplies(): number {
    return this.streaming
  }

  /** Waits for the chat titles being written (the CLI prints the reply first, then waits briefly for its title). */
  async titlesSettled(): Promise<void> {
    await Promise.allSettled([...this.titles])
  }

  private nameChat(sessionId: string, answeredBy: { providerId: string; model: string }): void {
    if (!this.deps.title) return
    const pending = this.deps.title(sessionId, answeredBy).catch(() => undefined)
    this.titles.add(pending)
    void pending.finally(() => this.titles.delete(pending))
  }

  /** Hears every turn that completed (not failed or stopped ones); returns the unsubscribe. */
  onTurn(listener: (turn: ChatTurnSummary) => void): () => void {
    this.turnListeners.add(listener)
    return () => this.turnListeners.delete(listener)
  }

  async *send(input: ParsedSend, signal: AbortSignal): AsyncGenerator<ChatEvent, SendResult> {
    this.streaming++
    const started = this.deps.clock.now()
    const trace = new ChatTrace(this.deps.tracing, input)
    try {
      const result = yield* this.sendTurn(input, signal, trace)
      this.announceTurn({ ...trace.summary(), durationMs: Math.max(0, this.deps.clock.now() - started), fellBack: result.attempts.some((attempt) => attempt.outcome !== 'answered') })
      return result
    } catch (error) {
      trace.span.recordError(error)
      throw error
    } finally {
      this.streaming--
      trace.span.end()
    }
  }

  private announceTurn(turn: ChatTurnSummary): void {
    for (const listener of this.turnListeners) {
      try {
        listener(turn)
      } catch {
        // A listener's failure never breaks the chat that just finished.
      }
    }
  }

  private async *sendTurn(input: ParsedSend, signal: AbortSignal, trace: ChatTrace): AsyncGenerator<ChatEvent, SendResult> {
    const { deps } = this
    const { span } = trace
    const turnMark = beginMark('chat.turn')
    deps.markActive?.()
    const store = await deps.sessions()
    const routing = deps.routing()
    const images = (input.images ?? []).map((image) => ({ name: image.name, mime: image.mime, data: Buffer.from(image.data, 'base64') }))
    const documents = this.documents.staged(input.documents)
    const workspace = input.workspace ? checkWorkspace(input.workspace) : null
    const agent = deps.agent
    const cwd = workspace ?? deps.homeDir ?? process.cwd()
    const settings = await resolveSettings(deps.chatSettings, input)

    // UserPromptSubmit hooks see the prompt first; a block leaves no trace in the history.
    let promptContext: string | undefined
    if (agent && !reusesPrompt(input)) {
      const submitted = await agent.hooks.fire('UserPromptSubmit', { prompt: input.text }, { sessionId: input.sessionId ?? null, cwd, workspace, signal, span })
      if (!submitted.allowed) throw new AppError('E_BLOCKED', `A hook blocked this prompt: ${submitted.reason ?? 'no reason given'}`, { hint: 'The hook is listed in Agents → Hooks; the prompt was not sent or saved.' })
      promptContext = submitted.additionalContext
    }

    // `/name args` runs a skill: the user's words are saved as typed, the model gets the skill's instructions.
    const skills: TurnSkills = { grants: [] }
    const modelText = await this.slashSkill(input, workspace, signal, skills)

    // Who would answer, decided before anything is saved: a request nobody can take leaves no trace.
    const draft: Omit<ChatRequest, 'model'> = {
      messages: [{ role: 'user', content: withDocumentBlocks(modelText, documents.map((d) => documentBlock(d.document))), images: images.map((i) => ({ mime: i.mime, data: i.data.toString('base64') })) }],
      ...settings.params,
      ...(input.reasoning === undefined ? {} : { reasoning: input.reasoning }),
      ...(agent ? toolsField(limitTools(await agent.tools.specs(workspace), settings.agent)) : {}),
    }
    const plan = await planCandidates(input.target, draft, { registry: deps.registry, catalog: deps.catalog, routing }, signal)
    const budget = budgetStatus(deps.ledger, routing.budget, deps.clock.now())
    if (budget.state === 'blocked') {
      plan.candidates = plan.candidates.filter((c) => c.local)
      if (plan.candidates.length === 0) throw budgetError(budget.todayUsd, budget.monthUsd)
    }
    if (plan.candidates.length === 0) throw new NoProviderError(plan.skipped)
    plan.candidates = withSkillModel(plan.candidates, skillModelOf(skills))
    trace.planned(plan.candidates)

    // A new chat has no history to read, so even its session is created while the provider thinks.
    const existing = input.sessionId ? await store.getSession(input.sessionId) : undefined
    // A stored chat that is not open resumes before its request is built, so what its SessionStart hooks print goes with this prompt.
    const resumed = await resumeSession(agent, existing, { cwd, workspace, signal, span })
    yield* this.compactFirst(existing, plan.candidates[0]!, input, signal, settings.params)
    const turn: Turn = existing ? await this.planTurn(store, existing.id, input) : { prior: [], replyParent: null, newParent: undefined }
    if (!existing) requireNoBranchWork(input)
    const prior = await priorMessages(turn, store, settings.system, (attachments) => this.documents.blocks(attachments, (sha) => store.readAttachment(sha)))
    const context = systemContext(resumed.context, promptContext, await this.knowledgeFor(existing?.id, modelText, signal))
    const request: Omit<ChatRequest, 'model'> = { ...draft, messages: reusesPrompt(input) ? prior : [...prior, ...context, ...draft.messages] }

    // The request goes out first and the prompt is saved while the provider thinks, so saving
    // adds nothing to the time to first token. If saving fails, the request is stopped.
    const inner = new AbortController()
    const stopInner = (): void => inner.abort(signal.reason)
    signal.addEventListener('abort', stopInner, { once: true })
    try {
      const stream = streamWithFallback(plan.candidates, request, { ...resilienceOptions(deps, routing, inner.signal), span })
      const first = plan.candidates[0]!
      const firstStep = stream.next()
      firstStep.catch(() => undefined) // read in streamRound; this only keeps Node from calling it unhandled meanwhile
      let saved
      try {
        const newSession = { title: titleFrom(titleSource(input.text, documents)), ...(workspace ? { workspace } : {}) }
        const prompt = { role: 'user' as const, text: input.text, parentId: turn.newParent, attachments: [...images, ...storedFiles(documents)].map((f) => ({ name: f.name, mime: f.mime, data: new Uint8Array(f.data) })) }
        saved = await saveTurn(store, existing, turn, newSession, prompt, { provider: first.providerId, model: first.model })
      } catch (error) {
        inner.abort(error)
        await firstStep.catch(() => undefined)
        throw error
      }
      const { session } = saved
      deps.changed([session.id])
      const hookCtx = { sessionId: session.id, cwd, workspace, signal, span }
      // The chat counts as open before the window hears of it, so a window opening it at once is no resume.
      const starting = agent && !existing ? agent.sessions.start(session.id, 'startup', hookCtx) : Promise.resolve(resumed.outcome)
      starting.catch(() => undefined) // awaited below; this only keeps Node from calling it unhandled meanwhile
      yield { type: 'started', sessionId: session.id, userMessageId: turn.replyParent ? null : saved.userMessageId, assistantMessageId: saved.writer.id }
      yield* settingsApplied(deps.chatSettings, session.id, settings, first)
      const started = await starting
      if (started) yield* hookNotices(started)
      if (budget.state === 'warn') yield { type: 'budget', state: 'warn', message: budgetWarning(budget.todayUsd, budget.monthUsd, routing) }
      for (const attempt of plan.skipped) yield { type: 'attempt', attempt }

      let next = stepsOf(stream, firstStep)
      let writer = saved.writer
      const attempts = [...plan.skipped]
      const stops = { continuations: 0 }
      for (let round = 1; ; round++) {
        let result: RoundResult
        try {
          result = yield* streamRound(deps, next, writer, request, signal)
        } finally {
          deps.changed([session.id])
        }
        attempts.push(...result.outcome.attempts)
        trace.round(result)
        const useTools = agent && request.tools && result.toolCalls.length > 0
        let parentId: string
        if (!useTools || round >= MAX_TOOL_ROUNDS) {
          if (useTools) yield { type: 'hook', event: 'Stop', blocked: false, message: `Stopped after ${MAX_TOOL_ROUNDS} rounds of tool calls; ask again to continue.` }
          // A Stop hook that blocks sends the reply back to the model with its reason (stop-hooks.ts).
          const more = agent ? yield* askStopHooks(agent, stops, result.text, hookCtx) : null
          if (more === null) {
            if (!existing) this.nameChat(session.id, { providerId: result.outcome.providerId, model: result.outcome.model })
            return { sessionId: session.id, message: result.message as SendResult['message'], attempts }
          }
          request.messages.push({ role: 'assistant', content: result.text }, { role: 'user', content: more })
          parentId = result.message.id
        } else {
          // Run the tools, then give the model their results in a new round, starting with the provider that asked.
          const ran = yield* runToolCalls(result.toolCalls, { runtime: agent, store, sessionId: session.id, parentId: result.message.id, workspace, cwd, signal, span, skills, ...agentToolsOf(settings.agent, draft.tools) })
          request.messages.push({ role: 'assistant', content: result.text, toolCalls: result.toolCalls }, ...ran.results)
          deps.changed([session.id])
          parentId = ran.lastMessageId
        }
        const asked = result.outcome
        const answered = plan.candidates.find((c) => c.providerId === asked.providerId && c.model === asked.model)
        const order = withSkillModel(answered ? [answered, ...plan.candidates.filter((c) => c !== answered)] : plan.candidates, skillModelOf(skills))
        const again = streamWithFallback(order, request, { ...resilienceOptions(deps, routing, inner.signal), span })
        next = stepsOf(again, again.next())
        writer = await store.beginStreamingMessage(session.id, { provider: order[0]!.providerId, model: order[0]!.model, parentId })
        // The window follows the new message: without this it would show this round's words as the first one's.
        yield { type: 'round', assistantMessageId: writer.id, parentId }
      }
    } finally {
      turnMark.end()
      signal.removeEventListener('abort', stopInner)
    }
  }

  /** A prompt `/name args` runs that skill: its instructions are what the model gets; its allowed-tools and model hold for the turn. */
  private async slashSkill(input: ParsedSend, workspace: string | null, signal: AbortSignal, skills: TurnSkills): Promise<string> {
    const slash = this.deps.runSkill && !reusesPrompt(input) ? skillSlashCommand(input.text) : null
    if (!slash || !this.deps.runSkill) return input.text
    const ran = await this.deps.runSkill(slash.name, slash.args, { sessionId: input.sessionId ?? null, workspace, signal }).catch((error: unknown) => {
      // Not a skill (e.g. a path like /etc/hosts): send the text as it is.
      if (error instanceof AppError && error.code === 'E_NOT_FOUND') return null
      throw error
    })
    if (!ran) return input.text
    if (!ran.result.allowed) throw new AppError('E_BLOCKED', `The skill /${slash.name} was not run: ${ran.result.reason ?? 'a SkillTrigger hook denied it'}`, { hint: 'See Agents → Hooks for the hook that decided.' })
    const skill = ran.loaded?.skill
    if (skill) skills.grants.push({ skill: skill.name, allowedTools: skill.allowedTools, ...(skill.model ? { model: skill.model } : {}) })
    return ran.result.content
  }

  /** A new prompt in a chat near its window's limit summarises the older messages first (never a regenerate or an edit). */
  private async *compactFirst(session: { id: string } | undefined, target: { providerId: string; model: string }, input: ParsedSend, signal: AbortSignal, params: ResolvedTurn['params']): AsyncGenerator<ChatEvent, void> {
    if (session === undefined || reusesPrompt(input) || input.editOf || !this.deps.compactBeforeSend) return
    yield* this.deps.compactBeforeSend(session.id, target, input.text, signal, params)
  }

  /**
   * What the reply continues: the stored branch before the new prompt (read before anything is
   * written), and where the prompt goes. A regenerate reuses the old prompt (`replyParent`); an
   * edit starts a branch beside the original.
   */
  private async planTurn(store: SessionStore, sessionId: string, input: ParsedSend): Promise<Turn> {
    if (input.continueOf) {
      const old = await this.messageIn(store, sessionId, input.continueOf, 'continueOf')
      if (old.role !== 'assistant' || !old.parentId) throw new ValidationError('Only a reply to a prompt can be continued.', [{ path: 'continueOf', message: `a ${old.role} message` }])
      if (old.status === 'streaming') throw new ValidationError('This reply is still being written.', [{ path: 'continueOf', message: 'streaming' }])
      return { prior: await store.contextMessages(sessionId, old.parentId), replyParent: old.parentId, newParent: undefined, continued: old }
    }
    if (input.replyTo) {
      const prompt = await this.messageIn(store, sessionId, input.replyTo, 'replyTo')
      if (prompt.role !== 'user') throw new ValidationError('Only a prompt can be answered again.', [{ path: 'replyTo', message: `a ${prompt.role} message` }])
      return { prior: await store.contextMessages(sessionId, prompt.id), replyParent: prompt.id, newParent: undefined }
    }
    if (input.regenerate) {
      const old = await this.messageIn(store, sessionId, input.regenerate, 'regenerate')
      if (old.role !== 'assistant' || !old.parentId) throw new ValidationError('Only a reply to a prompt can be regenerated.', [{ path: 'regenerate', message: `a ${old.role} message` }])
      return { prior: await store.contextMessages(sessionId, old.parentId), replyParent: old.parentId, newParent: undefined }
    }
    if (input.editOf) {
      const edited = await this.messageIn(store, sessionId, input.editOf, 'editOf')
      if (edited.role !== 'user') throw new ValidationError('Only your own messages can be edited and resent.', [{ path: 'editOf', message: `a ${edited.role} message` }])
      return { prior: edited.parentId ? await store.contextMessages(sessionId, edited.parentId) : [], replyParent: null, newParent: edited.parentId }
    }
    // A new prompt continues the branch being read, as appendMessage does by default.
    return { prior: input.sessionId ? await store.contextMessages(sessionId) : [], replyParent: null, newParent: undefined }
  }

  private async messageIn(store: SessionStore, sessionId: string, id: string, field: string): Promise<Message> {
    const message = await store.getMessage(id)
    if (message.sessionId !== sessionId) throw new ValidationError('That message belongs to another session.', [{ path: field, message: 'wrong session' }])
    return message
  }
}

/** What a turn continues (see planTurn); `continued`: the reply a Continue writes on. */
interface Turn {
  prior: Message[]
  replyParent: string | null
  newParent: string | null | undefined
  continued?: Message
}

/** Regenerate, edit, continue and compare work on a stored chat: a new chat has none of them. */
function requireNoBranchWork(input: ParsedSend): void {
  if (input.regenerate || input.editOf || input.continueOf || input.replyTo) {
    throw new ValidationError('Regenerate, edit, continue and compare need the session they belong to.', [{ path: 'sessionId', message: 'missing' }])
  }
}

/** The stored branch for the model; a continued reply goes last, as it stands, for the model to write on from its end. */
async function priorMessages(turn: Turn, store: SessionStore, system: string | undefined, documents: Parameters<typeof toProviderMessages>[3]): Promise<ProviderMessage[]> {
  const prior = await toProviderMessages(turn.prior, (sha) => store.readAttachment(sha), system, documents)
  if (turn.continued) prior.push({ role: 'assistant', content: turn.continued.text })
  return prior
}

/**
 * Saves the turn while the provider thinks: the session (unless it exists), the prompt (unless a
 * reply is asked again for a saved one) and the reply's row, in one call to the store (one
 * transaction, one trip to its thread), or the continued reply opened again.
 */
async function saveTurn(store: SessionStore, existing: Session | undefined, turn: Turn, newSession: NewSession, prompt: NewMessage, reply: { provider: string; model: string }) {
  if (turn.continued) {
    const session = existing ?? (await store.createSession(newSession))
    const userMessageId = turn.replyParent ?? (await store.appendMessage(session.id, prompt)).id
    return { session, userMessageId, writer: await store.resumeStreamingMessage(session.id, turn.continued.id) }
  }
  const where = existing ? { sessionId: existing.id } : { session: newSession }
  const started = await store.beginTurn({ ...where, user: turn.replyParent ? null : prompt, reply: { ...reply, parentId: turn.replyParent } })
  return { session: existing ?? started.session, userMessageId: turn.replyParent ?? started.userMessage!.id, writer: started.writer }
}

/** The chat's stored settings merged with this send (without the service: the send's own fields). */
async function resolveSettings(service: ChatSettingsService | undefined, input: ParsedSend): Promise<ResolvedTurn> {
  if (service) return service.resolve(input)
  return { system: input.system, params: { ...input.params, ...(input.temperature === undefined ? {} : { temperature: input.temperature }) }, notices: [], save: null }
}

/** Stores what this turn changed in the chat's settings, and tells the user what the provider will not take. */
async function* settingsApplied(service: ChatSettingsService | undefined, sessionId: string, settings: ResolvedTurn, first: { providerId: string; model: string }): AsyncGenerator<ChatEvent> {
  if (!service) return
  if (settings.save) await service.set(sessionId, settings.save)
  for (const message of [...settings.notices, ...service.parameterNotices(first.providerId, first.model, settings.params)]) yield { type: 'notice', message }
}

/** No `tools` field at all when there are none: some servers refuse an empty list. */
/** The agent's tool set and the tools this turn offers, for the tool loop to refuse anything else. */
const agentToolsOf = (agent: ResolvedTurn['agent'], offered: ToolSpec[] | undefined) => (agent ? { agent: { tools: agent, offered: new Set((offered ?? []).map((spec) => spec.name)) } } : {})

const toolsField = (tools: ToolSpec[]): { tools?: ToolSpec[] } => (tools.length > 0 ? { tools } : {})

type Steps = AsyncGenerator<ResilienceEvent, ResilientOutcome>
type Step = IteratorResult<ResilienceEvent, ResilientOutcome>

/** The steps of a stream whose first step was already asked for (so its request is in flight). */
function stepsOf(stream: Steps, first: Promise<Step>): () => Promise<Step> {
  first.catch(() => undefined) // read by streamRound; this only keeps Node from calling it unhandled meanwhile
  let pending: Promise<Step> | undefined = first
  return () => {
    const step = pending ?? stream.next()
    pending = undefined
    return step
  }
}

/** How every model call (chat, summaries) retries, falls back and is measured. */
export function resilienceOptions(deps: Pick<ChatServiceDeps, 'breakers' | 'clock' | 'recorder'>, routing: Routing, signal: AbortSignal): FallbackOptions {
  return {
    signal,
    breakers: deps.breakers,
    retry: routing.retry,
    fallbackOn: routing.fallbackOn,
    sleep: deps.clock.sleep,
    random: deps.clock.random,
    now: deps.clock.now,
    ...(deps.recorder ? { recorder: deps.recorder } : {}),
  }
}
