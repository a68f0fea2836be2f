import path from 'node:path'
import { agentInfo, AgentLibrary, assistantSettings, describeAgent, findStartersDir } from '../agents'
import type { CapabilityWiring } from './capability'
import type { WiringContext } from './wiring-context'

export type AgentsRouteHandlers = CapabilityWiring<'agents'>['handlers']

export interface AgentsWiring extends CapabilityWiring<'agents'> {
  library: AgentLibrary
}

/** Agent files: the data folder's `agents/` and `plugins/`, the workspace's folders, ~/.claude/agents and the starter library. */
export function wireAgents(ctx: WiringContext, options: { startersDir?: string | null } = {}): AgentsWiring {
  const library = new AgentLibrary({
    userDir: path.join(ctx.paths.root, 'agents'),
    pluginsDir: path.join(ctx.paths.root, 'plugins'),
    home: ctx.home,
    startersDir: options.startersDir === undefined ? findStartersDir() : options.startersDir,
  })
  const log = ctx.logger.log.child({ component: 'agents' })

  const handlers: AgentsRouteHandlers = {
    'agents.list': async ({ workspace }) => {
      const found = await library.discover(workspace)
      for (const problem of found.problems) log.warn({ file: problem.file, issues: problem.issues.length }, 'agent file not loaded')
      return { agents: found.agents.map(agentInfo), problems: found.problems, roots: found.roots.map(({ source, dir }) => ({ source, dir })) }
    },
    'agents.get': async ({ name, source, workspace }) => {
      const agent = await library.find(name, workspace, source)
      return { agent: agentInfo(agent), text: agent.text }
    },
    'agents.validate': ({ text }) => {
      const { issues, definition } = library.validate(text)
      return { issues, agent: definition ? describeAgent(definition) : null }
    },
    'agents.save': async ({ text, into, original, workspace }) => ({
      agent: agentInfo(await library.save(text, { ...(into ? { into } : {}), ...(original ? { original } : {}), workspace: workspace ?? null })),
    }),
    'agents.delete': async ({ name, source, workspace }) => ({ deleted: await library.remove(name, source, workspace) }),
    'agents.duplicate': async ({ name, source, newName, into, workspace }) => ({ agent: agentInfo(await library.duplicate(name, newName, into, workspace, source)) }),
    'agents.import': async ({ text, into, overwrite, workspace }) => ({ agent: agentInfo(await library.importText(text, into, workspace ?? null, overwrite === true)) }),
    'agents.export': async ({ name, source, workspace }) => {
      const agent = await library.find(name, workspace, source)
      return { fileName: path.basename(agent.file), text: agent.text }
    },
    'agents.startChat': async ({ name, source, workspace }) => {
      const agent = await library.find(name, workspace, source)
      const providerIds = ctx.providers.configs.providers().map((provider) => provider.id)
      const { settings, notices } = assistantSettings(agent.definition, { defaults: ctx.chat.settings.defaultsForNew(), providerIds })
      const session = await (await ctx.sessions()).createSession({ title: agent.definition.name, ...(workspace ? { workspace } : {}) })
      const saved = await ctx.chat.settings.set(session.id, settings)
      ctx.broadcast('sessions.changed', { ids: [session.id] })
      return { sessionId: session.id, settings: saved.settings, notices, initialPrompt: agent.definition.initialPrompt }
    },
  }
  return { library, handlers, streamHandlers: {} }
}
