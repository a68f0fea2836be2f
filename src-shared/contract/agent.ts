import { z } from 'zod'
import { defineCapability } from './capability'

/**
 * Hooks, skills, built-in tools and permissions as they cross the contract. The hook protocol is
 * Claude Code's, so users' existing scripts and settings work unchanged.
 */

export const HOOK_EVENTS = [
  'Setup',
  'SessionStart',
  'SessionEnd',
  'UserPromptSubmit',
  'PreToolUse',
  'PostToolUse',
  'PostToolUseFailure',
  'PermissionRequest',
  'SkillTrigger',
  'PreCompact',
  'Stop',
  'SubagentStart',
  'SubagentStop',
  'Notification',
] as const
export const HookEventSchema = z.enum(HOOK_EVENTS)
export type HookEvent = z.infer<typeof HookEventSchema>

export const HookCommandSchema = z.object({
  type: z.literal('command'),
  command: z.string().min(1).max(4000),
  /** Seconds; the whole process tree is killed after it. */
  timeout: z.number().int().min(1).max(3600).optional(),
})
export type HookCommand = z.infer<typeof HookCommandSchema>

export const HookMatcherSchema = z.object({
  /** A regular expression over the tool name (PreToolUse …) or the event's subject; empty or absent matches all. */
  matcher: z.string().max(500).optional(),
  hooks: z.array(HookCommandSchema).max(50),
})
/** `{"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "…"}]}]}}` */
export const HooksConfigSchema = z.partialRecord(HookEventSchema, z.array(HookMatcherSchema).max(100))
export type HooksConfig = z.infer<typeof HooksConfigSchema>

/** The built-in tools, with Claude Code's names and input shapes so matchers like "Bash" work unchanged. */
export const BUILTIN_TOOLS = ['Read', 'Write', 'Edit', 'Glob', 'Grep', 'Bash', 'WebFetch'] as const
export type BuiltinTool = (typeof BUILTIN_TOOLS)[number]

export const PermissionsSchema = z.object({
  /** Rules like `Read`, `Bash(git status:*)`, `WebFetch(domain:example.com)`. */
  allow: z.array(z.string().max(500)).max(500).default([]),
  deny: z.array(z.string().max(500)).max(500).default([]),
  /** `ask` (the default) asks for every tool call not allowed by a rule. */
  defaultMode: z.enum(['ask', 'allow-reads', 'deny']).default('ask'),
})
export type Permissions = z.infer<typeof PermissionsSchema>

/** One settings file: user level (data dir) or a workspace's `.ollama-desk/settings.json`. */
export const AgentSettingsSchema = z.object({
  hooks: HooksConfigSchema.default({}),
  permissions: PermissionsSchema.prefault({}),
  /** Hook entries switched off, by id (`event:index:hookIndex` of that file). */
  disabledHooks: z.array(z.string().max(200)).max(1000).default([]),
})
export type AgentSettings = z.infer<typeof AgentSettingsSchema>

export const HookSourceSchema = z.enum(['user', 'workspace'])

export const HookEntrySchema = z.object({
  id: z.string(),
  source: HookSourceSchema,
  event: HookEventSchema,
  matcher: z.string(),
  command: z.string(),
  timeout: z.number(),
  enabled: z.boolean(),
})
export type HookEntry = z.infer<typeof HookEntrySchema>

export const HookRunSchema = z.object({
  at: z.number(),
  event: HookEventSchema,
  command: z.string(),
  durationMs: z.number(),
  exitCode: z.number().nullable(),
  timedOut: z.boolean(),
  /** allow / deny / ask / block (exit 2) / error (other exit codes) / none. */
  decision: z.enum(['allow', 'deny', 'ask', 'block', 'error', 'none']),
  stdout: z.string(),
  stderr: z.string(),
})
export type HookRun = z.infer<typeof HookRunSchema>

/** What running every matching hook of one event decided, combined. */
export const HookOutcomeSchema = z.object({
  event: HookEventSchema,
  /** false when a hook blocked (exit 2), denied, or said `continue: false`. */
  allowed: z.boolean(),
  /** ask: the hooks want the user asked, whatever the permission rules say. */
  decision: z.enum(['allow', 'deny', 'ask', 'none']),
  reason: z.string().optional(),
  updatedInput: z.record(z.string(), z.unknown()).optional(),
  additionalContext: z.string().optional(),
  systemMessages: z.array(z.string()),
  /** Non-blocking errors to show the user (exit codes other than 0 and 2, timeouts, bad JSON). */
  errors: z.array(z.string()),
  runs: z.array(HookRunSchema),
})
export type HookOutcome = z.infer<typeof HookOutcomeSchema>

export const SkillSchema = z.object({
  name: z.string(),
  description: z.string(),
  source: HookSourceSchema,
  dir: z.string(),
  allowedTools: z.array(z.string()),
  model: z.string().optional(),
  hasHooks: z.boolean(),
})
export type Skill = z.infer<typeof SkillSchema>

export const PermissionDecisionSchema = z.enum(['allow-once', 'allow-session', 'allow-workspace', 'deny'])
export type PermissionDecision = z.infer<typeof PermissionDecisionSchema>

/** What the approval dialog shows: the exact command, file and diff, or URL. */
export const PermissionRequestSchema = z.object({
  id: z.string(),
  tool: z.string(),
  input: z.record(z.string(), z.unknown()),
  /** One line: `Bash: git status`, `Write src/a.ts (12 lines)`. */
  summary: z.string(),
  /** Unified diff for Write/Edit. */
  diff: z.string().optional(),
  /** Why it asks: no rule allows it, or a hook said ask. */
  reason: z.string(),
})
export type PermissionRequest = z.infer<typeof PermissionRequestSchema>

const Workspace = z.string().min(1).max(4096)

export const agentRoutes = {
  'hooks.list': {
    description: 'Every configured hook (user and workspace level) with its on/off state, and the recent runs.',
    input: z.object({ workspace: Workspace.optional() }).strict(),
    output: z.object({ entries: z.array(HookEntrySchema), runs: z.array(HookRunSchema), userFile: z.string(), workspaceFile: z.string().nullable() }),
  },
  'hooks.setEnabled': {
    description: 'Switch one hook on or off.',
    input: z.object({ id: z.string().max(200), source: HookSourceSchema, enabled: z.boolean(), workspace: Workspace.optional() }).strict(),
    output: z.object({ entries: z.array(HookEntrySchema) }),
  },
  'hooks.save': {
    description: 'Replace the hooks of one settings file (user or workspace) after validating them.',
    input: z.object({ source: HookSourceSchema, hooks: HooksConfigSchema, workspace: Workspace.optional() }).strict(),
    output: z.object({ entries: z.array(HookEntrySchema) }),
  },
  'hooks.test': {
    description: 'Run the hooks of an event with a sample (or given) payload, exactly as the app would.',
    input: z.object({ event: HookEventSchema, payload: z.record(z.string(), z.unknown()).optional(), workspace: Workspace.optional() }).strict(),
    output: HookOutcomeSchema,
  },
  'hooks.import': {
    description: 'Copy hooks from Claude Code’s settings.json or ollama-cli’s .ollama/.qarin settings into ours.',
    input: z.object({ from: z.enum(['claude', 'ollama-cli', 'qarin', 'file']), path: z.string().max(4096).optional(), into: HookSourceSchema, workspace: Workspace.optional() }).strict(),
    output: z.object({ imported: z.number(), file: z.string() }),
  },
  'permissions.get': {
    description: 'Permission rules at user level and for a workspace.',
    input: z.object({ workspace: Workspace.optional() }).strict(),
    output: z.object({ user: PermissionsSchema, workspace: PermissionsSchema.nullable() }),
  },
  'permissions.update': {
    description: 'Replace the permission rules of one level.',
    input: z.object({ source: HookSourceSchema, permissions: PermissionsSchema, workspace: Workspace.optional() }).strict(),
    output: PermissionsSchema,
  },
  'tools.decide': {
    description: 'Answer a permission request shown during a chat.',
    input: z.object({ requestId: z.string().max(100), decision: PermissionDecisionSchema }).strict(),
    output: z.object({ accepted: z.boolean() }),
  },
  'skills.list': {
    description: 'Skills found in the user’s and the workspace’s skill folders.',
    input: z.object({ workspace: Workspace.optional() }).strict(),
    output: z.object({ skills: z.array(SkillSchema), dirs: z.array(z.string()) }),
  },
  'skills.run': {
    description: 'Run a skill: SkillTrigger hooks may deny it; its own hooks run its scripts; returns its instructions.',
    input: z.object({ name: z.string().min(1).max(200), args: z.string().max(20_000).optional(), workspace: Workspace.optional(), sessionId: z.string().max(64).optional() }).strict(),
    output: z.object({ skill: SkillSchema, allowed: z.boolean(), reason: z.string().optional(), content: z.string(), outcome: HookOutcomeSchema }),
  },
} as const

export const agentEvents = {
  /** A hook ran (for the hooks screen's log). */
  'hooks.ran': HookRunSchema,
} as const

export const agentCapability = defineCapability({ name: 'agent', routes: agentRoutes, events: agentEvents })
