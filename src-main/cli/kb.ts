import path from 'node:path'
import type { KnowledgeBaseView, KnowledgeJobInfo } from '../../src-shared/contract'
import { apiCommand, printJson, subcommandArgument, unwrap, type ApiSubcommand, type CliApi } from './api-command'
import { commandSpecs } from './specs'

const POLL_MS = 250

function formatBases(bases: KnowledgeBaseView[]): string {
  if (bases.length === 0) return 'No knowledge bases. Create one: ollama-desk kb create "My notes"'
  return bases
    .map((b) => {
      const model = b.embedding ? `${b.embedding.provider}/${b.embedding.model}` : 'words only'
      const failed = b.failed > 0 ? `, ${b.failed} failed` : ''
      return `${b.id}  ${b.name}  (${b.files} files, ${b.chunks} passages${failed}; ${model}; ${b.job.status})\n${b.sources.map((s) => `    ${s.kind === 'folder' ? 'folder' : 'file'}  ${s.path}${s.watch ? '  (watched)' : ''}`).join('\n')}`
    })
    .join('\n')
}

const progressLine = (job: KnowledgeJobInfo): string => {
  const p = job.progress
  return p ? `${p.done}/${p.found} files, ${p.chunks} passages, ${p.unchanged} unchanged, ${p.failed} failed` : job.status
}

/** Waits for a base's indexing job to end, printing its progress when it moves. */
async function waitForJob(api: CliApi, id: string, io: Parameters<ApiSubcommand>[2]): Promise<KnowledgeJobInfo | undefined> {
  let last = ''
  for (;;) {
    const listed = unwrap(await api.call('knowledge.list', {}), io)
    if (!listed) return undefined
    const base = listed.bases.find((b) => b.id === id)
    if (!base) return undefined
    const line = progressLine(base.job)
    if (line !== last) io.err(`${line}\n`)
    last = line
    if (base.job.status !== 'running' && base.job.status !== 'paused') return base.job
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
}

export const kbSubcommands: Record<string, ApiSubcommand> = {
  async list(api, { values }, io) {
    const listed = unwrap(await api.call('knowledge.list', {}), io)
    if (!listed) return 1
    if (values.json) return printJson(io, listed)
    io.out(`${formatBases(listed.bases)}\n`)
    return 0
  },
  async create(api, { positionals, values }, io) {
    const name = subcommandArgument(positionals, io, 'give the knowledge base a name: kb create <name>')
    if (name === undefined) return 2
    const provider = typeof values.provider === 'string' ? values.provider : undefined
    const model = typeof values.model === 'string' ? values.model : undefined
    if ((provider === undefined) !== (model === undefined)) {
      io.err('error: --provider and --model go together (the provider id from `ollama-desk providers list` and an embedding model)\n')
      return 2
    }
    const created = unwrap(await api.call('knowledge.create', { name, ...(provider && model ? { embedding: { provider, model } } : {}) }), io)
    if (!created) return 1
    io.out(`${created.base.id}\n`)
    return 0
  },
  async add(api, { positionals, values }, io) {
    const [, id, where] = positionals
    if (!id || !where) {
      io.err('error: kb add <id> <folder or file>\n')
      return 2
    }
    const added = unwrap(await api.call('knowledge.addSource', { id, path: path.resolve(where), watch: values.watch === true }), io)
    if (!added) return 1
    io.out(`${formatBases([added.base])}\n`)
    // A command that ends before its files are read would leave nothing searchable: index them now.
    return kbSubcommands.sync!(api, { positionals: ['sync', id], values: {} }, io)
  },
  async sync(api, { positionals }, io) {
    const id = subcommandArgument(positionals, io, 'which knowledge base? kb sync <id>')
    if (id === undefined) return 2
    if (!unwrap(await api.call('knowledge.sync', { id }), io)) return 1
    const job = await waitForJob(api, id, io)
    if (!job) return 1
    const files = unwrap(await api.call('knowledge.files', { id }), io) ?? { files: [] }
    for (const file of files.files.filter((f) => f.status === 'error')) io.err(`  ${file.path}: ${file.error}\n`)
    if (job.status !== 'done') {
      io.err(`error: ${job.error?.message ?? job.status}\n`)
      return 1
    }
    io.out(`${progressLine(job)}\n`)
    return 0
  },
  async search(api, { positionals, values }, io) {
    const [, ids, ...words] = positionals
    if (!ids || words.length === 0) {
      io.err('error: kb search <id>[,<id>…] <question>\n')
      return 2
    }
    const found = unwrap(await api.call('knowledge.search', { bases: ids.split(','), query: words.join(' '), k: 5 }), io)
    if (!found) return 1
    if (values.json) return printJson(io, found)
    if (found.passages.length === 0) io.out('No passages.\n')
    found.passages.forEach((p, i) => {
      const where = p.page !== null ? `page ${p.page}` : `lines ${p.lineStart}-${p.lineEnd}`
      io.out(`[${i + 1}] ${p.file} (${where})\n    ${p.text.replace(/\s+/g, ' ').slice(0, 240)}\n`)
    })
    return 0
  },
  async rm(api, { positionals }, io) {
    const id = subcommandArgument(positionals, io, 'which knowledge base? kb rm <id>')
    if (id === undefined) return 2
    if (!unwrap(await api.call('knowledge.remove', { id }), io)) return 1
    io.out(`removed ${id} (the indexed files themselves are untouched)\n`)
    return 0
  },
}

export const kbCommand = apiCommand({ ...commandSpecs.kb, subcommands: kbSubcommands })
