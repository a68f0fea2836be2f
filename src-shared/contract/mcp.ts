import { z } from 'zod'
import { defineCapability } from './capability'

/**
 * MCP servers (Model Context Protocol) as they cross the contract. Secret values (tokens in env
 * or headers) never do: the window sees their names only.
 */

export const McpServerNameSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a server name is 1–64 letters, digits, _ or -')

export const McpTransportSchema = z.enum(['stdio', 'http', 'sse'])
export type McpTransport = z.infer<typeof McpTransportSchema>

export const McpServerConfigSchema = z
  .object({
    name: McpServerNameSchema,
    transport: McpTransportSchema,
    /** stdio: the program and its arguments (npx, uvx, node …), started with the login shell's PATH. */
    command: z.string().max(4096).optional(),
    args: z.array(z.string().max(4096)).max(200).default([]),
    /** Plain environment variables; secret ones are listed in `secretEnv` and kept in the secret store. */
    env: z.record(z.string(), z.string().max(8192)).default({}),
    secretEnv: z.array(z.string().max(200)).max(100).default([]),
    /** http / sse: the endpoint and plain headers; secret headers (Authorization …) in `secretHeaders`. */
    url: z.string().max(4096).optional(),
    headers: z.record(z.string(), z.string().max(8192)).default({}),
    secretHeaders: z.array(z.string().max(200)).max(100).default([]),
    description: z.string().max(2000).optional(),
    enabled: z.boolean().default(true),
    /** Per tool call, ms. */
    timeoutMs: z.number().int().min(1000).max(3_600_000).default(60_000),
  })
  .strict()
  .refine((c) => c.transport !== 'stdio' || (c.command !== undefined && c.command.trim() !== ''), { message: 'a stdio server needs a command', path: ['command'] })
  .refine((c) => c.transport === 'stdio' || (c.url !== undefined && /^https?:\/\//.test(c.url)), { message: 'an http or sse server needs an http(s) URL', path: ['url'] })
export type McpServerConfig = z.output<typeof McpServerConfigSchema>
export type McpServerConfigInput = z.input<typeof McpServerConfigSchema>

/**
 * `restarting`: a stdio server that died is started again; `reconnecting`: a remote server that went
 * away is connected to again (both with backoff, see `retry`); `signing-in`: waiting on the browser (OAuth).
 */
export const McpStateSchema = z.enum(['disabled', 'connecting', 'connected', 'error', 'restarting', 'reconnecting', 'signing-in', 'stopped'])
export type McpState = z.infer<typeof McpStateSchema>

export const McpServerStatusSchema = z.object({
  name: z.string(),
  state: McpStateSchema,
  tools: z.number(),
  resources: z.number(),
  prompts: z.number(),
  lastError: z.string().nullable(),
  /** Time of the last successful request (initialize or a call), ms. */
  latencyMs: z.number().nullable(),
  restarts: z.number(),
  serverName: z.string().nullable(),
  serverVersion: z.string().nullable(),
  /** While restarting / reconnecting: the attempt coming (1 for the first) and when, epoch ms; null while it is under way. */
  retry: z.object({ attempt: z.number().int().min(1), nextAttemptAt: z.number().nullable() }).optional(),
})
export type McpServerStatus = z.infer<typeof McpServerStatusSchema>

export const McpToolSchema = z.object({
  server: z.string(),
  name: z.string(),
  /** What the model and hook matchers see: `mcp__<server>__<tool>`, as in Claude Code. */
  qualifiedName: z.string(),
  description: z.string(),
  inputSchema: z.record(z.string(), z.unknown()),
})
export type McpTool = z.infer<typeof McpToolSchema>

export const McpResourceSchema = z.object({ server: z.string(), uri: z.string(), name: z.string(), mimeType: z.string().optional(), description: z.string().optional() })
export type McpResource = z.infer<typeof McpResourceSchema>

export const McpPromptSchema = z.object({
  server: z.string(),
  name: z.string(),
  description: z.string().optional(),
  arguments: z.array(z.object({ name: z.string(), description: z.string().optional(), required: z.boolean().optional() })),
})
export type McpPrompt = z.infer<typeof McpPromptSchema>

export const McpServerViewSchema = z.object({ config: McpServerConfigSchema, status: McpServerStatusSchema })
export type McpServerView = z.infer<typeof McpServerViewSchema>

const Name = z.object({ name: McpServerNameSchema }).strict()
const Secrets = z.object({ env: z.record(z.string(), z.string().max(8192)).optional(), headers: z.record(z.string(), z.string().max(8192)).optional() }).strict()

export const mcpRoutes = {
  'mcp.list': {
    description: 'Configured MCP servers with their live status.',
    input: z.object({}).strict(),
    output: z.object({ servers: z.array(McpServerViewSchema), file: z.string() }),
  },
  'mcp.save': {
    description: 'Add or replace a server; secret env values and headers go to the secret store. Starts it when enabled.',
    input: z.object({ config: McpServerConfigSchema, secrets: Secrets.optional() }).strict(),
    output: McpServerViewSchema,
  },
  'mcp.remove': { description: 'Stop and remove a server (and its secrets).', input: Name, output: z.object({ removed: z.boolean() }) },
  'mcp.restart': { description: 'Restart a server now.', input: Name, output: McpServerStatusSchema },
  'mcp.test': {
    description: 'Connect to a server (saved by name, or a config not saved yet) and list its tools.',
    input: z.union([Name, z.object({ config: McpServerConfigSchema, secrets: Secrets.optional() }).strict()]),
    output: z.object({ ok: z.boolean(), tools: z.array(McpToolSchema), latencyMs: z.number().nullable(), error: z.string().optional() }),
  },
  'mcp.tools': { description: 'Tools of every connected server (cached; refreshed on list_changed).', input: z.object({}).strict(), output: z.object({ tools: z.array(McpToolSchema) }) },
  'mcp.import': {
    description: 'Import servers from Claude Desktop’s config, a pasted `mcpServers` JSON, or ollama-cli’s .ollama/mcp.json.',
    input: z.object({ from: z.enum(['claude-desktop', 'json', 'ollama-cli']), json: z.string().max(1_000_000).optional(), path: z.string().max(4096).optional(), workspace: z.string().max(4096).optional() }).strict(),
    output: z.object({ imported: z.array(z.string()), skipped: z.array(z.object({ name: z.string(), reason: z.string() })), file: z.string() }),
  },
  'mcp.export': { description: 'The servers as Claude Desktop’s `mcpServers` JSON (secret values left out).', input: z.object({}).strict(), output: z.object({ json: z.string() }) },
  'mcp.resources': { description: 'Resources of the connected servers.', input: z.object({ server: McpServerNameSchema.optional() }).strict(), output: z.object({ resources: z.array(McpResourceSchema) }) },
  'mcp.readResource': {
    description: 'Read one resource as text, to attach it to a chat.',
    input: z.object({ server: McpServerNameSchema, uri: z.string().max(4096) }).strict(),
    output: z.object({ text: z.string(), mimeType: z.string().optional() }),
  },
  'mcp.prompts': { description: 'Prompts of the connected servers (offered as slash commands).', input: z.object({}).strict(), output: z.object({ prompts: z.array(McpPromptSchema) }) },
  'mcp.getPrompt': {
    description: 'Fill a server prompt with arguments; returns its text.',
    input: z.object({ server: McpServerNameSchema, name: z.string().max(200), arguments: z.record(z.string(), z.string()).optional() }).strict(),
    output: z.object({ text: z.string() }),
  },
} as const

export const mcpEvents = {
  /** A server connected, failed, restarted, or its tool list changed. */
  'mcp.changed': z.object({ servers: z.array(McpServerStatusSchema) }),
} as const

export const mcpCapability = defineCapability({ name: 'mcp', routes: mcpRoutes, events: mcpEvents })
