/**
 * The chat turn: plans candidates, streams the reply through resilience, runs tools and hooks,
 * saves to the session store. Other folders import from here, never a file inside.
 */
export { ChatService, type ChatClock, type ChatServiceDeps } from './chat-service'
export type { ChatTurnSummary } from './chat-span'
export { ApprovalBroker } from './approvals'
export type { AgentRuntime, HookFireContext, SessionHooks, SkillGrant, TurnSkills } from './tool-loop'
export { MAX_STOP_CONTINUATIONS } from './stop-hooks'
export { createProviderSummarizer } from './summarizer'
export { chatContext, compactBeforeSend, latestModel, modelContextWindow, shouldCompact, type ContextWindowDeps, type SessionCompactor } from './context-window'
export { ChatSettingsService, familyOf, isFixedTarget, type ChatSettingsDeps, type ModelAlternative, type ResolvedTurn } from './chat-settings'
export { generateTitle, cleanGenerated, type TitleDeps, type TitleOutcome } from './titles'
export { agentAllowsTool, limitTools } from './tool-set'
