import type { ChatParams, ChatSettings } from '../../../src-shared/contract'
import type { AgentDefinition } from './agent-file'
import { isKnownTool } from './library'
import { unknownTools } from './agent-file'

/**
 * An assistant is a chat started "with" an agent: the agent's system prompt, model, parameters
 * and tool set become that chat's own settings (the user can change them afterwards like any
 * chat's). What cannot be applied is said, never silently dropped.
 */
export interface AssistantSettings {
  settings: ChatSettings
  /** What could not be applied, in words for the user. */
  notices: string[]
}

export interface AssistantContext {
  /** The settings a new chat gets (Settings → Chat): the model and parameters the agent does not set. */
  defaults: ChatSettings
  /** The configured providers' ids: a `provider:model` naming another provider is not applied. */
  providerIds: readonly string[]
}

/** Claude Code's effort levels as our reasoning effort (ours stops at high). */
const EFFORT: Record<NonNullable<AgentDefinition['effort']>, NonNullable<ChatParams['reasoningEffort']>> = { low: 'low', medium: 'medium', high: 'high', xhigh: 'high', max: 'high' }

export function assistantSettings(definition: AgentDefinition, ctx: AssistantContext): AssistantSettings {
  const notices: string[] = []
  const target = targetOf(definition.model, ctx.providerIds)
  if (definition.model !== null && !target) {
    notices.push(`The agent asks for the model "${definition.model}", which is not a provider:model this app has (for example ollama:llama3.2); the chat uses ${ctx.defaults.target ? 'your default model' : 'the first local model'}.`)
  }
  const missing = unknownTools(definition, isKnownTool)
  if (missing.length > 0) notices.push(`This app has no ${missing.join(', ')} tool${missing.length === 1 ? '' : 's'}; the agent works without ${missing.length === 1 ? 'it' : 'them'}.`)
  const params: ChatParams = { ...ctx.defaults.params, ...(definition.effort ? { reasoningEffort: EFFORT[definition.effort] } : {}), ...definition.parameters }
  const chosen = target ?? ctx.defaults.target
  return {
    settings: {
      ...(chosen ? { target: chosen } : {}),
      system: definition.prompt,
      params,
      agent: { name: definition.name, tools: definition.tools, disallowedTools: definition.disallowedTools },
    },
    notices,
  }
}

/** `provider:model` when the provider is configured (`ollama:llama3.2:3b` → ollama, llama3.2:3b); null otherwise. */
export function targetOf(model: string | null, providerIds: readonly string[]): { providerId: string; model: string } | null {
  if (model === null) return null
  const colon = model.indexOf(':')
  if (colon <= 0 || colon === model.length - 1) return null
  const providerId = model.slice(0, colon)
  return providerIds.includes(providerId) ? { providerId, model: model.slice(colon + 1) } : null
}
