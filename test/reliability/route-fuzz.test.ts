import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { httpStatusFor } from '../../src-main/web/http-status'
import { ErrorShapeSchema, routeNames, routes, streamNames, streams, type ApiClient, type Result } from '../../src-shared/contract'
import { WAIT_CEILING_MS } from '../support/patient-waits'
import { RELIABILITY_SCALE, scaled } from '../support/reliability'
import { makeTempDir, removeTempDirs } from '../support/tmp'
import { chatGptExport } from './support/chatgpt-export'
import { startCompanionProcess, type CompanionProcess } from './support/companion-process'
import { MODEL, startStreamingOllama, type StreamingOllama } from './support/fake-ollama-stream'
import { nearMiss, schemaArbitrary } from './support/schema-arbitrary'

/**
 * Fast-check over every route and stream of the contract, against the real web companion in a
 * process of its own: `scaled(500)` inputs (5,000 under `npm run reliability`), round-robin over
 * the routes so each gets its share, over HTTP `POST /api/rpc/<route>` and the WebSocket with the
 * token. Inputs are shaped from each route's own schema (most pass validation and reach the
 * handler, pointing at sessions and messages that exist), near misses of those, arbitrary JSON and
 * hostile values. No answer may be a crash or a 5xx: no `E_INTERNAL` and no HTTP status of 500 or
 * more (a path, URL or provider the input names that fails is the input's problem: 4xx, see
 * statusFor in src-main/web/server.ts); every answer is a typed result;
 * nothing hangs (each request has the shared wait ceiling); the process is alive at the end and
 * `app.info` answers over both transports.
 *
 * The companion runs with a throwaway data folder, HOME, TMPDIR and working folder, behind the
 * host guard (support/host-guard.mjs): connections off loopback and child processes are refused,
 * so fuzzed hosts, URLs, hook commands and MCP servers cannot reach beyond this machine's
 * loopback. Paths in inputs are kept inside the throwaway folder, apart from a few devices and
 * /proc files that are safe to read and write (see SAFE_HOST_PATHS).
 */

const INPUTS = scaled(500)
/** Set OLLAMA_DESK_FUZZ_SEED to replay a run (each run prints its seed). */
const SEED = Number(process.env.OLLAMA_DESK_FUZZ_SEED) || Math.floor(Math.random() * 2 ** 31)

/** Routes never sent, and why. */
const EXCLUDED: Record<string, string> = {
  'shell.openExternal': 'opens a link in the desktop’s browser: acting on the desktop is its whole job',
  'updates.install': 'restarts the app into an update: a process that goes away is its whole job',
}

/** Host paths a fuzzed input may name: reading or writing them harms nothing. */
const SAFE_HOST_PATHS = ['/dev/null', '/dev/zero', '/dev/full', '/dev/urandom', '/proc/self/status']

type Transport = 'http' | 'ws'
interface Outcome {
  route: string
  transport: Transport
  kind: string
  status: string
}

const outcomes: Outcome[] = []
const violations: string[] = []
let root: string
let ollama: StreamingOllama
let companion: CompanionProcess
let api: ApiClient
let strings: string[] = []
let safePaths: Set<string>

const show = (value: unknown) => {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 300 ? `${text.slice(0, 300)}…` : text
}

/** Keeps every path-like string inside the throwaway folder (or on the safe host paths). */
function confine(value: unknown): unknown {
  if (typeof value === 'string') {
    if (safePaths.has(value)) return value
    const cleaned = value.replace(/\.\.(?=[\\/]|$)/g, '__')
    if (/^([/\\~]|[A-Za-z]:|file:)/.test(cleaned)) return path.join(root, 'fuzz', cleaned.replace(/[:~\\]/g, '_'))
    return cleaned
  }
  if (Array.isArray(value)) return value.map(confine)
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, confine(item)]))
  return value
}

const hostile = fc.constantFrom<unknown>(
  JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}'),
  Array.from({ length: 200 }).reduce<unknown>((inner) => [inner], []),
  { text: 'x'.repeat(200_000) },
  { query: '"unterminated NEAR( * OR AND -' },
  { sessionId: "'; DROP TABLE messages; --" },
  { name: '\u0000\ud800🦙\u202e' },
  [],
  null,
  0,
  '',
)

function inputFor(name: string, schema: z.ZodType): fc.Arbitrary<{ kind: string; input: unknown }> {
  const shaped = schemaArbitrary(schema, { strings })
  return fc.oneof(
    { weight: 5, arbitrary: shaped.map((input) => ({ kind: 'shaped', input })) },
    { weight: 2, arbitrary: nearMiss(shaped, strings).map((input) => ({ kind: 'near miss', input })) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((input) => ({ kind: 'arbitrary', input })) },
    { weight: 1, arbitrary: hostile.map((input) => ({ kind: 'hostile', input })) },
  ).map(({ kind, input }) => {
    let safe = confine(input)
    // Its pacing is that route's purpose, not a robustness question: keep a fuzzed stream short.
    if (name === 'diagnostics.loopback' && safe && typeof safe === 'object' && 'intervalMs' in safe) safe = { ...safe, intervalMs: 0 }
    return { kind, input: safe }
  })
}

/** Resolves with `promise`, or with `undefined` once the shared ceiling passes (a hang). */
function withCeiling<T>(promise: Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined
  const ceiling = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), WAIT_CEILING_MS)))
  return Promise.race([promise, ceiling]).finally(() => clearTimeout(timer))
}

function judgeResult(where: string, result: unknown): string {
  const shape = result as Result<unknown> | undefined
  if (!shape || typeof shape !== 'object' || typeof shape.ok !== 'boolean') {
    violations.push(`${where}: not a typed result: ${show(result)}`)
    return 'untyped'
  }
  if (shape.ok) return 'ok'
  if (!ErrorShapeSchema.safeParse(shape.error).success) violations.push(`${where}: malformed error ${show(shape.error)}`)
  if (shape.error.code === 'E_INTERNAL') violations.push(`${where}: E_INTERNAL ${show(shape.error)}`)
  // Over the WebSocket too: a code the HTTP API would answer with a 5xx is the server failing.
  else if (httpStatusFor(shape.error.code) >= 500) violations.push(`${where}: ${shape.error.code} (HTTP ${httpStatusFor(shape.error.code)}) ${show(shape.error)}`)
  return shape.error.code
}

async function overHttp(route: string, input: unknown, where: string): Promise<string> {
  const reply = await withCeiling(companion.call(route, input).catch((error: Error) => ({ status: 0, body: { transport: error.message } })))
  if (!reply) {
    violations.push(`${where}: no answer within ${WAIT_CEILING_MS} ms`)
    return 'hung'
  }
  const code = judgeResult(where, reply.body)
  if (reply.status === 0 || reply.status >= 500) violations.push(`${where}: HTTP ${reply.status} ${show(reply.body)}`)
  return `${reply.status} ${code}`
}

async function overWs(route: string, input: unknown, where: string, cancelAtOnce: boolean): Promise<string> {
  if (!streamNames.includes(route as never)) {
    const result = await withCeiling(api.call(route as never, input as never))
    if (!result) {
      violations.push(`${where}: no answer within ${WAIT_CEILING_MS} ms`)
      return 'hung'
    }
    return judgeResult(where, result)
  }
  const handle: { cancel(): void; done: Promise<Result<unknown>> } = api.stream(route as never, input as never, () => handle.cancel())
  if (cancelAtOnce) handle.cancel()
  const result = await withCeiling(handle.done)
  if (!result) {
    handle.cancel()
    violations.push(`${where}: the stream did not end within ${WAIT_CEILING_MS} ms (cancelled once its first event came)`)
    return 'hung'
  }
  return judgeResult(where, result)
}

function prepareFixtures(): string[] {
  const files = path.join(root, 'files')
  fs.mkdirSync(path.join(files, 'folder'), { recursive: true })
  fs.writeFileSync(path.join(files, 'notes.txt'), 'plain text notes\n')
  fs.writeFileSync(path.join(files, 'conversations.json'), chatGptExport('fuzzimport', 2, 4).json)
  fs.writeFileSync(path.join(files, 'broken.json'), '{"format":"ollama-desk.session","version":1,')
  fs.symlinkSync('/dev/zero', path.join(files, 'zero-link'))
  execFileSync('mkfifo', [path.join(files, 'fifo')])
  return [
    ...['notes.txt', 'conversations.json', 'broken.json', 'zero-link', 'fifo', 'folder', 'missing/out.zip', 'out.zip'].map((name) => path.join(files, name)),
    ...SAFE_HOST_PATHS,
  ]
}

beforeAll(async () => {
  root = makeTempDir('ollama-desk-fuzz-')
  const paths = prepareFixtures()
  safePaths = new Set(paths)
  ollama = await startStreamingOllama(5)
  const work = path.join(root, 'work')
  fs.mkdirSync(work)
  companion = await startCompanionProcess({ dataDir: path.join(root, 'data'), home: path.join(root, 'home'), ollamaHost: ollama.host, cwd: work })
  api = (await companion.client()).api
  // Something to point at: two chats, so ids in inputs find real sessions and messages.
  const ids: string[] = []
  for (const text of ['first chat', 'second chat']) {
    const result = await api.stream('chat.send', { text, target: { providerId: 'ollama', model: MODEL } }, () => undefined).done
    if (!result.ok) throw new Error(`setup chat failed: ${show(result.error)}`)
    ids.push(result.value.sessionId, result.value.message.id, result.value.message.parentId ?? '')
  }
  strings = [...ids, ...paths, 'ollama', MODEL, 'llama3.2', `http://${ollama.host}`, ollama.host, 'http://127.0.0.1:9', 'user', 'workspace', 'first', '🦙', '*', '']
})

afterAll(async () => {
  await companion?.kill()
  await ollama?.close()
  removeTempDirs()
})

/** The last lines of the companion's own log, to show what a stop that hangs is waiting for. */
function logTail(): string {
  const logs = path.join(root, 'data', 'logs')
  if (!fs.existsSync(logs)) return ''
  return fs.readdirSync(logs).map((file) => fs.readFileSync(path.join(logs, file), 'utf8').split('\n').slice(-30).join('\n')).join('\n')
}

describe('fuzz over every route and stream', () => {
  it(`answers ${INPUTS} shaped, near-miss, arbitrary and hostile inputs with typed results, and stays up`, async () => {
    const names = [...routeNames, ...streamNames].filter((name) => !(name in EXCLUDED))
    const arbitraries = new Map(names.map((name) => [name, inputFor(name, (routeNames.includes(name as never) ? routes[name as keyof typeof routes] : streams[name as keyof typeof streams]).input as z.ZodType)]))
    let next = 0
    await fc.assert(
      fc.asyncProperty(fc.gen(), fc.constantFrom<Transport>('http', 'ws'), fc.boolean(), async (g, transport, cancelAtOnce) => {
        const route = names[next++ % names.length]!
        const { kind, input } = g(() => arbitraries.get(route)!)
        const where = `${transport} ${route} (${kind}) ${show(input)}`
        const status = transport === 'http' ? await overHttp(route, input, where) : await overWs(route, input, where, cancelAtOnce)
        outcomes.push({ route, transport, kind, status })
        return companion.alive()
      }),
      { numRuns: INPUTS, endOnFailure: true, seed: SEED },
    )

    const alive = companion.alive()
    const info = await withCeiling(companion.call('app.info'))
    const infoWs = await withCeiling(api.call('app.info', {}))
    // A clean stop still works after all that (SIGTERM: the server and the core close).
    const stopped = (await withCeiling(companion.stop().then(() => true))) ?? false
    if (!stopped) console.log(`the companion did not stop on SIGTERM within ${WAIT_CEILING_MS} ms; its output:\n${companion.output().slice(-2000)}\nits log:\n${logTail()}`)
    const tally = (key: (o: Outcome) => string) =>
      [...outcomes.reduce((map, o) => map.set(key(o), (map.get(key(o)) ?? 0) + 1), new Map<string, number>())].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')
    console.log(
      [
        `route fuzz (scale ${RELIABILITY_SCALE}, seed ${SEED}): ${outcomes.length} inputs over ${new Set(outcomes.map((o) => o.route)).size} routes and streams (${Object.keys(EXCLUDED).length} excluded: ${Object.keys(EXCLUDED).join(', ')})`,
        `  by transport: ${tally((o) => o.transport)}`,
        `  by kind: ${tally((o) => o.kind)}`,
        `  HTTP answers: ${tally((o) => (o.transport === 'http' ? o.status : 'ws'))}`,
        `  WebSocket answers: ${tally((o) => (o.transport === 'ws' ? o.status : 'http'))}`,
        `  host guard refused ${companion.guarded().length} attempts (${[...new Set(companion.guarded().map((line) => line.split(' ')[1]))].join(', ') || 'none'})`,
        `  violations: ${violations.length}; process alive: ${alive}; app.info afterwards: HTTP ${info?.status ?? 'no answer'}, WebSocket ${infoWs?.ok ? 'ok' : 'failed'}; stopped on SIGTERM: ${stopped}`,
      ].join('\n'),
    )
    expect(violations).toEqual([])
    expect(outcomes).toHaveLength(INPUTS)
    expect(new Set(outcomes.map((o) => o.route)).size).toBe(Math.min(names.length, INPUTS))
    expect(alive).toBe(true)
    expect(info).toMatchObject({ status: 200, body: { ok: true, value: { name: 'Ollama Desk' } } })
    expect(infoWs).toMatchObject({ ok: true, value: { name: 'Ollama Desk' } })
    expect(stopped).toBe(true)
  }, 60_000 * RELIABILITY_SCALE * 5)
})
