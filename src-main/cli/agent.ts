import fs from 'node:fs'
import { HookEventSchema } from '../../src-shared/contract'
import { apiCommand, printJson, subcommandArgument, unwrap, type ApiSubcommand } from './api-command'
import { table } from './models'
import { commandSpecs } from './specs'

const workspaceOf = (values: Record<string, string | boolean | undefined>): { workspace?: string } =>
  typeof values.workspace === 'string' ? { workspace: values.workspace } : {}

const hookSubcommands: Record<string, ApiSubcommand> = {
  async list(api, { values }, io) {
    const found = unwrap(await api.call('hooks.list', workspaceOf(values)), io)
    if (!found) return 1
    if (values.json) return printJson(io, found)
    if (found.entries.length === 0) {
      io.out(`No hooks. Add them to ${found.userFile}${found.workspaceFile ? ` or ${found.workspaceFile}` : ''}, or import: ollama-desk hooks import claude\n`)
      return 0
    }
    io.out(`${table([['EVENT', 'MATCHER', 'SOURCE', 'ON', 'COMMAND'], ...found.entries.map((e) => [e.event, e.matcher || '*', e.source, e.enabled ? 'on' : 'off', e.command])])}\n`)
    return 0
  },
  /** Runs the matching hooks exactly as the app would and prints the combined outcome; exits 0 either way. */
  async test(api, { positionals, values }, io) {
    const event = HookEventSchema.safeParse(positionals[1])
    if (!event.success) {
      io.err(`error: name an event: ${HookEventSchema.options.join(', ')}\n`)
      return 2
    }
    let payload: Record<string, unknown> | undefined
    if (typeof values.payload === 'string') {
      try {
        payload = JSON.parse(fs.readFileSync(values.payload, 'utf8')) as Record<string, unknown>
      } catch (error) {
        io.err(`error: cannot read the payload ${values.payload}: ${(error as Error).message}\n`)
        return 2
      }
    }
    const outcome = unwrap(await api.call('hooks.test', { event: event.data, ...(payload ? { payload } : {}), ...workspaceOf(values) }), io)
    if (!outcome) return 1
    io.out(`${JSON.stringify(outcome, null, 2)}\n`)
    return 0
  },
  async import(api, { positionals, values }, io) {
    const from = positionals[1]
    if (from !== 'claude' && from !== 'ollama-cli' && from !== 'qarin' && from !== 'file') {
      io.err('error: import from claude, ollama-cli, qarin or file (with --payload pointing at the settings file)\n')
      return 2
    }
    const into = typeof values.workspace === 'string' ? 'workspace' : 'user'
    const done = unwrap(await api.call('hooks.import', { from, into, ...workspaceOf(values), ...(typeof values.payload === 'string' ? { path: values.payload } : {}) }), io)
    if (!done) return 1
    io.out(`imported ${done.imported} hook(s) into ${done.file}\n`)
    return 0
  },
}

export const hooksCommand = apiCommand({
  ...commandSpecs.hooks,
  subcommands: hookSubcommands,
})

const skillSubcommands: Record<string, ApiSubcommand> = {
  async list(api, { values }, io) {
    const found = unwrap(await api.call('skills.list', workspaceOf(values)), io)
    if (!found) return 1
    if (values.json) return printJson(io, found)
    if (found.skills.length === 0) {
      io.out(`No skills. A skill is a folder with a SKILL.md in ${found.dirs.join(' or ')}\n`)
      return 0
    }
    io.out(`${table([['NAME', 'SOURCE', 'DESCRIPTION'], ...found.skills.map((s) => [s.name, s.source, s.description.split('\n')[0]!.slice(0, 80)])])}\n`)
    return 0
  },
  async run(api, { positionals, values }, io) {
    const name = subcommandArgument(positionals, io, 'name the skill to run, e.g. `ollama-desk skills run review-pr 42`')
    if (!name) return 2
    const args = positionals.slice(2).join(' ')
    const ran = unwrap(await api.call('skills.run', { name, ...(args ? { args } : {}), ...workspaceOf(values) }), io)
    if (!ran) return 1
    if (values.json) printJson(io, ran)
    else if (!ran.allowed) io.err(`blocked: ${ran.reason ?? 'a SkillTrigger hook denied it'}\n`)
    else io.out(`${ran.content}\n`)
    return ran.allowed ? 0 : 1
  },
}

export const skillsCommand = apiCommand({
  ...commandSpecs.skills,
  subcommands: skillSubcommands,
})
