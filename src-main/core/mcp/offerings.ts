import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import type { Prompt, Resource, Tool } from '@modelcontextprotocol/sdk/types.js'
import { listAllPages, type McpLog } from './connection-support'

export type McpListKind = 'tools' | 'resources' | 'prompts'

const PAGE_LIMIT = 50

/** What a server offers — its tools, resources and prompts — as last listed. */
export class McpOfferings {
  tools: Tool[] = []
  resources: Resource[] = []
  prompts: Prompt[] = []

  constructor(private readonly server: string, private readonly log: McpLog) {}

  clear(): void {
    this.tools = []
    this.resources = []
    this.prompts = []
  }

  /** Every list the server has the capability for. */
  async refreshAll(client: Client, timeoutMs: number): Promise<void> {
    const caps = client.getServerCapabilities() ?? {}
    const kinds = (['tools', 'resources', 'prompts'] as const).filter((kind) => caps[kind])
    await Promise.all(kinds.map((kind) => this.refresh(client, kind, timeoutMs)))
  }

  /** Lists every page (bounded); a failing list is logged and left as it was rather than failing the connection. */
  async refresh(client: Client, what: McpListKind, timeoutMs: number): Promise<void> {
    const options = { timeout: timeoutMs }
    const at = (cursor: string | undefined) => (cursor ? { cursor } : {})
    try {
      if (what === 'tools') {
        this.tools = await listAllPages(PAGE_LIMIT, async (cursor) => {
          const { tools, nextCursor } = await client.listTools(at(cursor), options)
          return { items: tools, nextCursor }
        })
      } else if (what === 'resources') {
        this.resources = await listAllPages(PAGE_LIMIT, async (cursor) => {
          const { resources, nextCursor } = await client.listResources(at(cursor), options)
          return { items: resources, nextCursor }
        })
      } else {
        this.prompts = await listAllPages(PAGE_LIMIT, async (cursor) => {
          const { prompts, nextCursor } = await client.listPrompts(at(cursor), options)
          return { items: prompts, nextCursor }
        })
      }
    } catch (error) {
      this.log.warn({ server: this.server, list: what, error: (error as Error).message }, 'MCP server failed to list')
    }
  }
}
