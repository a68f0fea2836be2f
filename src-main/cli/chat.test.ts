import { afterEach, describe, expect, it } from 'vitest'
import { startFakeOllamaChat, type FakeOllamaChatServer } from '../../test/support/fakes/ollama-chat-server'
import { closedPort } from '../../test/support/fake-ollama'
import { testIo } from '../../test/support/io'
import { makeTempDir, removeTempDirs } from '../../test/support/tmp'
import { parseModelOption } from './chat'
import { runCli } from './run'

const servers: FakeOllamaChatServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
  removeTempDirs()
})

async function setup() {
  const ollama = await startFakeOllamaChat({ models: ['llama3.2:latest'] })
  servers.push(ollama)
  const env = { HOME: makeTempDir(), OLLAMA_HOST: ollama.url }
  const dir = makeTempDir()
  const run = async (args: string[], stdin: string | null = null) => {
    const io = testIo(env, stdin)
    const code = await runCli([...args, '--data-dir', dir], io)
    return { code, out: io.stdout(), err: io.stderr() }
  }
  return { ollama, run }
}

describe('ollama-desk chat', () => {
  it('streams the reply to stdout and the model, tokens and session to stderr', async () => {
    const { ollama, run } = await setup()
    ollama.script({ text: ['Hi', ' there'], usage: { inputTokens: 5, outputTokens: 2 } })
    const result = await run(['chat', '-m', 'ollama:llama3.2:latest', 'say hi'])
    expect(result.code).toBe(0)
    expect(result.out).toBe('Hi there\n')
    expect(result.err).toMatch(/· ollama:llama3\.2:latest {2}5 in \/ 2 out {2}free {2}session \S+/)
    const body = ollama.requests.find((r) => r.path === '/api/chat')!.body as { messages: { content: string }[] }
    expect(body.messages.at(-1)!.content).toBe('say hi')
  })

  it('appends piped stdin to the prompt and prints JSON events with --json', async () => {
    const { ollama, run } = await setup()
    ollama.script({ text: ['summary'] })
    const result = await run(['chat', '-m', 'ollama:llama3.2:latest', '--json', 'summarise'], 'line one\nline two\n')
    expect(result.code).toBe(0)
    const events = result.out.trim().split('\n').map((line) => JSON.parse(line) as { type: string })
    expect(events[0]!.type).toBe('started')
    expect(events.some((e) => e.type === 'text')).toBe(true)
    expect(events.at(-1)).toMatchObject({ type: 'result', message: { text: 'summary', status: 'complete' } })
    const body = ollama.requests.find((r) => r.path === '/api/chat')!.body as { messages: { content: string }[] }
    expect(body.messages.at(-1)!.content).toBe('summarise\n\nline one\nline two')
  })

  it('refuses a malformed -m and an empty prompt with a usage error', async () => {
    const { run } = await setup()
    expect(await run(['chat', '-m', 'llama3.2', 'hi'])).toMatchObject({ code: 2, err: expect.stringContaining('is not provider:model') })
    expect(await run(['chat', '-m', 'ollama:llama3.2:latest'])).toMatchObject({ code: 2, err: expect.stringContaining('say something') })
  })

  it('prints the error and its hint when the model fails', async () => {
    const { ollama, run } = await setup()
    ollama.fault({ kind: 'status', status: 401 })
    const result = await run(['chat', '-m', 'ollama:llama3.2:latest', 'hi'])
    expect(result.code).toBe(1)
    expect(result.err).toContain('error: ')
    expect(result.err).toContain('hint: ')
  })

  it('with Ollama unreachable, says where it looked and gives terminal next steps, not window directions', async () => {
    const host = `http://127.0.0.1:${await closedPort()}`
    const io = testIo({ HOME: makeTempDir(), OLLAMA_HOST: host }, null)
    const code = await runCli(['chat', 'hello', '--data-dir', makeTempDir()], io)
    expect(code).toBe(1)
    const err = io.stderr()
    expect(err).toContain(`Ollama is not reachable at ${host}`)
    expect(err).toContain('ollama-desk ollama install')
    expect(err).toContain('ollama-desk ollama start')
    expect(err).toMatch(/ollama-desk chat -m provider:model/)
    expect(err).not.toMatch(/Providers & Health|in the chat/)
  })

  it('with Ollama running but no model pulled, says so and how to pull one', async () => {
    const ollama = await startFakeOllamaChat({ models: [] })
    servers.push(ollama)
    const io = testIo({ HOME: makeTempDir(), OLLAMA_HOST: ollama.url }, null)
    const code = await runCli(['chat', 'hello', '--data-dir', makeTempDir()], io)
    expect(code).toBe(1)
    const err = io.stderr()
    expect(err).toMatch(/Ollama [\d.]+ answers at .* but has no models yet/)
    expect(err).toContain('ollama-desk models pull llama3.2')
    expect(err).not.toMatch(/Providers & Health/)
  })

  it('a failed reply is kept as a failed attempt with its error, shown as such by sessions show', async () => {
    const { ollama, run } = await setup()
    ollama.fault({ kind: 'status', status: 500 })
    const failed = await run(['chat', '-m', 'ollama:llama3.2:latest', 'hello'])
    expect(failed.code).toBe(1)
    const list = JSON.parse((await run(['sessions', 'list', '--json'])).out) as { sessions: { id: string }[] }
    const shown = await run(['sessions', 'show', list.sessions[0]!.id])
    expect(shown.out).toMatch(/\[assistant[^\]]*\] .*\n\(failed: No provider could answer\. The last one said: .*server error \(500\)/)
    const messages = JSON.parse((await run(['sessions', 'show', list.sessions[0]!.id, '--json'])).out).messages as { role: string; status: string; error: string | null }[]
    expect(messages.map((m) => [m.role, m.status])).toEqual([['user', 'complete'], ['assistant', 'error']])
    expect(messages[1]!.error).toMatch(/server error \(500\)/)
  })

  it('parses provider:model with colons in the model name', () => {
    expect(parseModelOption('ollama:qwen3:8b')).toEqual({ providerId: 'ollama', model: 'qwen3:8b' })
    expect(parseModelOption(undefined)).toEqual({ auto: true })
    expect(parseModelOption(':x')).toBeInstanceOf(Error)
  })
})

describe('ollama-desk providers', () => {
  it('lists the built-in Ollama and tests it', async () => {
    const { run } = await setup()
    const list = await run(['providers', 'list'])
    expect(list.code).toBe(0)
    expect(list.out).toMatch(/^ID\s+KIND\s+ENABLED\s+URL\s+KEY\nollama\s+ollama\s+on\s+\(default\)\s+-\n$/)
    const tested = await run(['providers', 'test', 'ollama'])
    expect(tested).toMatchObject({ code: 0, out: expect.stringMatching(/^ok {2}http:\/\/127\.0\.0\.1:\d+ {2}\d+ ms {2}1 models\n$/) })
    expect(await run(['providers', 'test', 'nope'])).toMatchObject({ code: 1, err: expect.stringContaining('There is no provider "nope"') })
  })
})
