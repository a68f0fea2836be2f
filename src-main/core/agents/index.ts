export {
  AGENT_FIELDS,
  AGENT_NAME_PATTERN,
  EFFORT_LEVELS,
  MAX_AGENT_FILE_CHARS,
  MEMORY_SCOPES,
  PERMISSION_MODES,
  parseAgentMarkdown,
  renameAgentText,
  splitList,
  toolBaseName,
  unknownTools,
} from './agent-file'
export type { AgentDefinition, AgentMcpServer, ParseAgentOptions, ParsedAgent } from './agent-file'
export { agentRoots, discoverAgents } from './discover'
export type { AgentDiscoveryOptions, AgentFs, AgentProblem, AgentRoot, DiscoveredAgents, LoadedAgent } from './discover'
export { AgentFileInvalidError, AgentLibrary, AgentNotFoundError, agentInfo, describeAgent, isKnownTool } from './library'
export type { AgentLibraryOptions } from './library'
export { findStartersDir } from './starters'
export { assistantSettings, targetOf } from './assistant'
export type { AssistantContext, AssistantSettings } from './assistant'
