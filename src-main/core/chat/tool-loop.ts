import { randomUUID } from 'node:crypto'
import type { ChatAgent, ChatEvent, HookEvent, HookOutcome, PermissionDecision, PermissionRequest } from '../../../src-shared/contract'
import { toAppError } from '../errors'
import type { ProviderMessage, ProviderToolCall, ToolSpec } from '../providers'
import type { SessionStore } from '../sessions'
import { ATTR, SPAN, noopSpan, type SpanHandle } from '../telemetry'
import type { ApprovalBroker } from './approvals'
import { agentRefusal } from './tool-set'

/** How many model ↔ tool rounds one prompt may take before the app stops and says so. */
export const MAX_TOOL_ROUNDS = 8
/** What a tool result may put into the conversation (and the session). */
export const MAX_TOOL_RESULT_CHARS = 50_000
/** What one tool_result event carries to the window; the full text is in the session. */
const EVENT_OUTPUT_CHARS = 4_000

export interface HookFireContext {
  sessionId: string | null
  cwd: string
  workspace?: string | null
  matchOn?: string
  signal?: AbortSignal
  span?: SpanHandle
}

/** What a skill that ran in this turn still does for the rest of it (its `allowed-tools` and `model`, as in Claude Code). */
export interface SkillGrant {
  skill: string
  /** Permission rules (`Write`, `Bash(git status:*)`) its tools run under without asking. */
  allowedTools: string[]
  model?: string
}

/** The skills run in one turn, newest last. */
export interface TurnSkills {
  grants: SkillGrant[]
}

/** The newest model a skill of this turn asked for, if any. */
export const skillModelOf = (skills: TurnSkills): string | undefined => skills.grants.findLast((grant) => grant.model !== undefined)?.model

/** SessionStart hooks for chats as they start or resume (see core/hooks/session-lifecycle.ts). */
export interface SessionHooks {
  /** Fires SessionStart unless the session is open already; null when it did not. */
  start(sessionId: string, source: 'startup' | 'resume', ctx: Omit<HookFireContext, 'sessionId' | 'matchOn'>): Promise<HookOutcome | null>
  /** What SessionStart hooks printed for the model (plain stdout or additionalContext) and no prompt has taken yet. */
  takeContext(sessionId: string): string | undefined
}

/** What the chat needs of hooks, tools and permissions; the core wires the real ones. */
export interface AgentRuntime {
  hooks: { fire(event: HookEvent, fields: Record<string, unknown>, ctx: HookFireContext): Promise<HookOutcome> }
  sessions: SessionHooks
  tools: {
    /**
     * The tools offered in a chat: MCP tools always, the built-in workspace tools and Skill only
     * with a workspace folder.
     */
    specs(workspace: string | null): Promise<ToolSpec[]>
    /** `skill`: the Skill tool ran one, whose allowed-tools and model hold for the rest of the turn. */
    run(name: string, input: Record<string, unknown>, ctx: { roots: string[]; cwd: string; signal: AbortSignal; sessionId?: string; span?: SpanHandle }): Promise<{ ok: boolean; output: string; skill?: SkillGrant }>
    preview(name: string, input: Record<string, unknown>, ctx: { roots: string[]; cwd: string; signal: AbortSignal }): Promise<{ summary: string; diff?: string }>
  }
  permissions: {
    /** `grants`: the skills run in this turn, whose allowed-tools run without asking (deny rules still win); `label` names what allowed it. */
    decide(tool: string, input: Record<string, unknown>, ctx: { workspace: string | null; sessionId: string; grants?: SkillGrant[] }): { decision: 'allow' | 'deny' | 'ask'; reason: string; label?: string }
    remember(decision: PermissionDecision, tool: string, input: Record<string, unknown>, ctx: { workspace: string | null; sessionId: string }): void
  }
  approvals: ApprovalBroker
}

export interface ToolRoundContext {
  runtime: AgentRuntime
  store: SessionStore
  sessionId: string
  /** The assistant message that asked for the tools; results are chained after it. */
  parentId: string
  /** The chat's workspace folder; null when it has none (then only MCP tools are offered). */
  workspace: string | null
  /** Where hooks and tools run: the workspace, or the user's home without one. */
  cwd: string
  signal: AbortSignal
  /** The chat's span; each tool call gets a child span, its hooks go under that. */
  span?: SpanHandle
  /** The skills run in this turn so far; a skill the Skill tool runs is added. */
  skills?: TurnSkills
  /** The agent the chat was started with: calls outside its tool set, or to tools not offered, are refused before anything runs. */
  agent?: { tools: ChatAgent; offered: ReadonlySet<string> }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
const cap = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max)}\n[… ${text.length - max} more characters cut]` : text)

/** Hook messages the user should see: a block, a system message, or a hook that failed. */
export function hookNotices(outcome: HookOutcome): ChatEvent[] {
  const notices: ChatEvent[] = []
  if (!outcome.allowed) notices.push({ type: 'hook', event: outcome.event, blocked: true, message: outcome.reason ?? `A ${outcome.event} hook blocked this.` })
  for (const message of outcome.systemMessages) notices.push({ type: 'hook', event: outcome.event, blocked: false, message })
  for (const error of outcome.errors) notices.push({ type: 'hook', event: outcome.event, blocked: false, message: `${outcome.event} hook error: ${error}` })
  return notices
}

interface Verdict {
  allowed: boolean
  /** What the user (or a rule, or a hook) decided, for the tool_result card and the log. */
  decision: string
  reason: string
  input: Record<string, unknown>
}

/**
 * Runs the tool calls of one reply: PreToolUse hooks, then the permission rules, asking the user
 * (after PermissionRequest hooks) when nothing decides; the tool itself; PostToolUse or
 * PostToolUseFailure. Every call and its result are saved in the session, denied ones included.
 */
export async function* runToolCalls(calls: ProviderToolCall[], ctx: ToolRoundContext): AsyncGenerator<ChatEvent, { results: ProviderMessage[]; lastMessageId: string }> {
  const results: ProviderMessage[] = []
  let parentId = ctx.parentId
  for (const call of calls) {
    const id = call.id ?? `call_${randomUUID()}`
    const span = (ctx.span ?? noopSpan).child(SPAN.executeTool(call.name), { [ATTR.genAiOperation]: 'execute_tool', [ATTR.genAiToolName]: call.name, [ATTR.genAiToolCallId]: id, [ATTR.genAiToolType]: 'function' })
    try {
      const done = yield* runToolCall(call, id, parentId, { ...ctx, span })
      results.push(done.result)
      parentId = done.messageId
    } catch (error) {
      span.recordError(error)
      throw error
    } finally {
      span.end()
    }
  }
  return { results, lastMessageId: parentId }
}

async function* runToolCall(call: ProviderToolCall, id: string, parentId: string, ctx: ToolRoundContext & { span: SpanHandle }): AsyncGenerator<ChatEvent, { result: ProviderMessage; messageId: string }> {
  const verdict = yield* decide(call.name, isRecord(call.arguments) ? call.arguments : {}, id, ctx)
  ctx.span.set({ [ATTR.toolDecision]: verdict.decision })
  let result: { ok: boolean; output: string; skill?: SkillGrant } = { ok: false, output: verdict.reason }
  if (verdict.allowed) {
    const toolCtx = { roots: ctx.workspace ? [ctx.workspace] : [], cwd: ctx.cwd, signal: ctx.signal, sessionId: ctx.sessionId, span: ctx.span }
    try {
      result = await ctx.runtime.tools.run(call.name, verdict.input, toolCtx)
    } catch (error) {
      result = { ok: false, output: toAppError(error).message }
    }
    if (!result.ok) ctx.span.recordError('tool_error')
    if (result.skill) ctx.skills?.grants.push(result.skill)
    const hookCtx = { sessionId: ctx.sessionId, cwd: ctx.cwd, workspace: ctx.workspace, matchOn: call.name, signal: ctx.signal, span: ctx.span }
    const post = result.ok
      ? await ctx.runtime.hooks.fire('PostToolUse', { tool_name: call.name, tool_input: verdict.input, tool_response: result.output, tool_use_id: id }, hookCtx)
      : await ctx.runtime.hooks.fire('PostToolUseFailure', { tool_name: call.name, tool_input: verdict.input, error: result.output, tool_use_id: id }, hookCtx)
    yield* hookNotices(post)
    // Claude Code feeds a PostToolUse block reason and extra context back to the model.
    const feedback = [post.allowed ? undefined : post.reason, post.additionalContext].filter(Boolean).join('\n')
    if (feedback) result = { ...result, output: `${result.output}\n\n[hook] ${feedback}` }
  }
  const output = cap(result.output, MAX_TOOL_RESULT_CHARS)
  const saved = await ctx.store.appendMessage(ctx.sessionId, { role: 'tool', text: output, parentId, toolCalls: [{ id, name: call.name, arguments: verdict.input, decision: verdict.decision }] })
  yield { type: 'tool_result', callId: id, name: call.name, ok: result.ok, output: cap(output, EVENT_OUTPUT_CHARS), decision: verdict.decision }
  return { result: { role: 'tool', content: output, toolCallId: id, toolName: call.name }, messageId: saved.id }
}

async function* decide(tool: string, requested: Record<string, unknown>, callId: string, ctx: ToolRoundContext): AsyncGenerator<ChatEvent, Verdict> {
  const { runtime } = ctx
  const refusal = agentRefusal(ctx.agent?.tools, ctx.agent?.offered, tool)
  if (refusal) return { allowed: false, decision: 'not in the agent’s tools', reason: refusal, input: requested }
  const hookCtx = { sessionId: ctx.sessionId, cwd: ctx.cwd, workspace: ctx.workspace, matchOn: tool, signal: ctx.signal, span: ctx.span }
  const pre = await runtime.hooks.fire('PreToolUse', { tool_name: tool, tool_input: requested, tool_use_id: callId }, hookCtx)
  yield* hookNotices(pre)
  if (!pre.allowed || pre.decision === 'deny') return { allowed: false, decision: 'denied by hook', reason: `Blocked by a PreToolUse hook: ${pre.reason ?? 'no reason given'}`, input: requested }
  const input = pre.updatedInput ?? requested
  const rules = { workspace: ctx.workspace, sessionId: ctx.sessionId, grants: ctx.skills?.grants ?? [] }
  if (pre.decision === 'allow') return { allowed: true, decision: 'allowed by hook', reason: '', input }
  const ruled = runtime.permissions.decide(tool, input, rules)
  if (ruled.decision === 'deny') return { allowed: false, decision: 'denied by rule', reason: `Not allowed: ${ruled.reason}`, input }
  if (ruled.decision === 'allow' && pre.decision !== 'ask') return { allowed: true, decision: ruled.label ?? 'allowed by rule', reason: '', input }

  const asked = await runtime.hooks.fire('PermissionRequest', { tool_name: tool, tool_input: input, tool_use_id: callId }, hookCtx)
  yield* hookNotices(asked)
  if (!asked.allowed || asked.decision === 'deny') return { allowed: false, decision: 'denied by hook', reason: `Blocked by a PermissionRequest hook: ${asked.reason ?? 'no reason given'}`, input }
  if (asked.decision === 'allow') return { allowed: true, decision: 'allowed by hook', reason: '', input }

  const preview = await runtime.tools.preview(tool, input, { roots: ctx.workspace ? [ctx.workspace] : [], cwd: ctx.cwd, signal: ctx.signal })
  const request: PermissionRequest = { id: randomUUID(), tool, input, summary: preview.summary, ...(preview.diff ? { diff: preview.diff } : {}), reason: pre.decision === 'ask' ? `A hook asks for your approval. ${pre.reason ?? ''}`.trim() : ruled.reason }
  void runtime.hooks.fire('Notification', { message: `Ollama Desk needs your permission to use ${tool}`, notification_type: 'permission_prompt' }, { ...hookCtx, matchOn: 'permission_prompt' }).catch(() => undefined)
  // Waiting starts before the window hears of the request, so even an instant answer finds it.
  const waiting = runtime.approvals.wait(request.id, ctx.signal)
  waiting.catch(() => undefined)
  yield { type: 'permission', request }
  const answer = await waiting
  runtime.permissions.remember(answer, tool, input, rules)
  return answer === 'deny' ? { allowed: false, decision: 'denied by you', reason: 'The user denied this tool call.', input } : { allowed: true, decision: answer, reason: '', input }
}
