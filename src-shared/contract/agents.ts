import { z } from 'zod'
import { defineCapability } from './capability'
import { ChatParamsSchema } from './chat-params'
import { ChatSettingsSchema } from './chat-settings'

/**
 * Agents: Claude Code subagent files (Markdown with a YAML frontmatter, the body is the system
 * prompt), found in the workspace, the data folder, ~/.claude and plugins, plus a starter library.
 */

/** Where an agent file was found, highest priority first (see core/agents/README.md). */
export const AGENT_SOURCES = ['workspace', 'workspace-claude', 'workspace-github', 'user', 'home-claude', 'plugin', 'builtin'] as const
export const AgentSourceSchema = z.enum(AGENT_SOURCES)
export type AgentSource = z.infer<typeof AgentSourceSchema>
/** The folders a new agent may be written to: the data folder's `agents/` or the workspace's `.ollama-desk/agents/`. */
export const AgentTargetSchema = z.enum(['user', 'workspace'])
export type AgentTarget = z.infer<typeof AgentTargetSchema>

/** One problem of an agent file; `line` is 1-based in the file, null when no line is to blame. */
export const AgentIssueSchema = z.object({ line: z.number().int().nullable(), message: z.string() })
export type AgentIssue = z.infer<typeof AgentIssueSchema>

export const AgentInfoSchema = z.object({
  name: z.string(),
  description: z.string(),
  source: AgentSourceSchema,
  file: z.string(),
  /** null: inherits the chat's model. */
  model: z.string().nullable(),
  /** null: every tool of the chat; [] no tools. */
  tools: z.array(z.string()).nullable(),
  disallowedTools: z.array(z.string()),
  /** Tools the file names that the app does not have (e.g. NotebookRead): never offered, refused if called. */
  unknownTools: z.array(z.string()),
  permissionMode: z.string().nullable(),
  maxTurns: z.number().nullable(),
  skills: z.array(z.string()),
  mcpServers: z.array(z.string()),
  hasHooks: z.boolean(),
  memory: z.string().nullable(),
  effort: z.string().nullable(),
  color: z.string().nullable(),
  initialPrompt: z.string().nullable(),
  /** Ollama Desk's own `parameters` field: the chat parameters of a chat started with the agent. */
  parameters: ChatParamsSchema,
  /** Frontmatter fields the app does not know; they are kept as written. */
  extraFields: z.array(z.string()),
  /** The system prompt (the Markdown body). */
  prompt: z.string(),
  /** Whether the window may change or delete the file (not the starter library's or a plugin's). */
  editable: z.boolean(),
  /** Same-named files of lower-priority folders that this one hides. */
  shadows: z.array(z.object({ source: AgentSourceSchema, file: z.string() })),
})
export type AgentInfo = z.infer<typeof AgentInfoSchema>

export const AgentProblemSchema = z.object({ source: AgentSourceSchema, file: z.string(), issues: z.array(AgentIssueSchema) })
export type AgentProblem = z.infer<typeof AgentProblemSchema>

const Workspace = z.string().min(1, 'the workspace folder is empty').max(4096, 'the workspace path is too long')
export const AgentNameSchema = z
  .string()
  .min(1, 'an agent name is needed')
  .max(64, 'an agent name is at most 64 characters')
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'an agent name is lower-case letters, digits and single dashes')
/** The whole agent file as text. */
const AgentText = z.string().max(256 * 1024, 'an agent file is at most 262,144 characters')

export const agentsRoutes = {
  'agents.list': {
    description: 'Every agent of the workspace, the data folder, ~/.claude/agents, plugins and the starter library; clashes and invalid files included.',
    input: z.object({ workspace: Workspace.optional() }).strict(),
    output: z.object({
      agents: z.array(AgentInfoSchema),
      problems: z.array(AgentProblemSchema),
      roots: z.array(z.object({ source: AgentSourceSchema, dir: z.string() })),
    }),
  },
  'agents.get': {
    description: 'One agent with its file text as it is on disk; the highest-priority one of that name unless `source` names another.',
    input: z.object({ name: AgentNameSchema, source: AgentSourceSchema.optional(), workspace: Workspace.optional() }).strict(),
    output: z.object({ agent: AgentInfoSchema, text: z.string() }),
  },
  'agents.validate': {
    description: 'Check an agent file as it is being written: every problem with its line, and the agent it describes when there are none.',
    input: z.object({ text: AgentText }).strict(),
    output: z.object({ issues: z.array(AgentIssueSchema), agent: AgentInfoSchema.omit({ source: true, file: true, editable: true, shadows: true }).nullable() }),
  },
  'agents.save': {
    description: 'Write an agent file. New agents go to `into`; `original` names the agent being edited (its file is replaced, and renamed with it).',
    input: z
      .object({
        text: AgentText,
        into: AgentTargetSchema.optional(),
        original: z.object({ name: AgentNameSchema, source: AgentSourceSchema }).strict().optional(),
        workspace: Workspace.optional(),
      })
      .strict(),
    output: z.object({ agent: AgentInfoSchema }),
  },
  'agents.delete': {
    description: 'Delete an agent file (never one of the starter library or a plugin).',
    input: z.object({ name: AgentNameSchema, source: AgentSourceSchema, workspace: Workspace.optional() }).strict(),
    output: z.object({ deleted: z.string() }),
  },
  'agents.duplicate': {
    description: 'Copy an agent under a new name (only its `name:` line changes) into the data folder or the workspace.',
    input: z.object({ name: AgentNameSchema, source: AgentSourceSchema.optional(), newName: AgentNameSchema, into: AgentTargetSchema, workspace: Workspace.optional() }).strict(),
    output: z.object({ agent: AgentInfoSchema }),
  },
  'agents.import': {
    description: 'Add an agent file (its text, as read from a file the user picked); it must be valid and its name not taken there unless `overwrite`.',
    input: z.object({ text: AgentText, into: AgentTargetSchema, overwrite: z.boolean().optional(), workspace: Workspace.optional() }).strict(),
    output: z.object({ agent: AgentInfoSchema }),
  },
  'agents.export': {
    description: 'An agent file exactly as it is on disk, with a file name to save it under.',
    input: z.object({ name: AgentNameSchema, source: AgentSourceSchema.optional(), workspace: Workspace.optional() }).strict(),
    output: z.object({ fileName: z.string(), text: z.string() }),
  },
  'agents.startChat': {
    description: "Start a chat with an agent: a new session whose settings are the agent's system prompt, model, parameters and tool set; says what could not be applied.",
    input: z.object({ name: AgentNameSchema, source: AgentSourceSchema.optional(), workspace: Workspace.optional() }).strict(),
    output: z.object({ sessionId: z.string(), settings: ChatSettingsSchema, notices: z.array(z.string()), initialPrompt: z.string().nullable() }),
  },
} as const

export const agentsCapability = defineCapability({ name: 'agents', routes: agentsRoutes })
