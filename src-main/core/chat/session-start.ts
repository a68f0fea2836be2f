import type { HookOutcome } from '../../../src-shared/contract'
import type { ProviderMessage } from '../providers'
import type { AgentRuntime, HookFireContext } from './tool-loop'

/**
 * SessionStart for a stored chat a prompt is sent into: if no window has it open, it resumes
 * (`source: resume`) before the request is built. Returns that outcome (its notices are shown once
 * the reply has started) and the SessionStart context no prompt has taken yet: this resume's, or
 * what an earlier start, a window's resume or a compaction left. A new chat's request goes out
 * before the chat exists, so its `startup` context comes with its next prompt.
 */
export async function resumeSession(agent: AgentRuntime | undefined, existing: { id: string } | undefined, ctx: Omit<HookFireContext, 'sessionId' | 'matchOn'>): Promise<{ outcome: HookOutcome | null; context?: string }> {
  if (!agent || !existing) return { outcome: null }
  const outcome = await agent.sessions.start(existing.id, 'resume', ctx)
  const context = agent.sessions.takeContext(existing.id)
  return context === undefined ? { outcome } : { outcome, context }
}

/** Hook context for the model, as system messages before the prompt: SessionStart's, then UserPromptSubmit's. */
export function systemContext(...texts: Array<string | undefined>): ProviderMessage[] {
  return texts.filter((text): text is string => text !== undefined && text !== '').map((content) => ({ role: 'system', content }))
}
