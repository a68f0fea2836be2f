import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLocalClient } from '../../src-main/core/rpc'
import { startChatCore, type ChatCore } from '../support/chat-core'
import { startOpenAiFake, type OpenAiFake } from '../support/fakes/openai-server'
import { removeTempDirs } from '../support/tmp'
import { closedPort, startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './otlp-receiver'

/**
 * Tracing through the real core: a chat that retries, falls back, runs a hook and calls a tool of
 * a real MCP server, exported by the real OTLP exporter to a loopback receiver.
 */

const mcpServer = path.join(import.meta.dirname, '..', '..', 'src-main', 'core', 'mcp', 'testdata', 'stdio-server.mjs')
let chat: ChatCore
let backup: OpenAiFake
let receiver: OtlpReceiver
let closed = false

beforeEach(async () => {
  chat = await startChatCore()
  backup = await startOpenAiFake({ models: ['backup-model'] })
  receiver = await startOtlpReceiver()
  closed = false
  await chat.call('providers.save', { config: { id: 'backup', kind: 'openai', name: 'Backup', baseUrl: backup.url, proxy: { mode: 'none' } }, key: 'sk-backup-0123456789abcdef' })
})

afterEach(async () => {
  if (!closed) await chat.close()
  await backup.close()
  await receiver.close()
  removeTempDirs()
})

/** Closing the core flushes what the batch processor still holds. */
async function closeCore(): Promise<void> {
  closed = true
  await chat.close()
}

const enable = (endpoint = receiver.url) => chat.t.core.settings.update({ telemetry: { enabled: true, endpoint } })
const api = () => createLocalClient(chat.t.core.dispatcher, 'test')
const byName = (name: string): ReceivedSpan[] => receiver.spans.filter((span) => span.name === name)
const one = (name: string): ReceivedSpan => {
  const found = byName(name)
  expect(found, `spans named ${name}: ${receiver.spans.map((s) => s.name).join(', ')}`).toHaveLength(1)
  return found[0]!
}

describe('chat tracing', () => {
  it('exports the chat span with GenAI attributes and children for the retry, the fallback, the tool call, its MCP call and the hooks', async () => {
    await chat.call('mcp.save', { config: { name: 'test', transport: 'stdio', command: process.execPath, args: [mcpServer] } })
    await expect.poll(async () => (await chat.call('mcp.tools', {})).tools.map((tool) => tool.qualifiedName)).toContain('mcp__test__echo')
    await chat.call('hooks.save', { source: 'user', hooks: { UserPromptSubmit: [{ hooks: [{ type: 'command', command: 'true' }] }], PreToolUse: [{ matcher: 'mcp__test__.*', hooks: [{ type: 'command', command: 'exit 0' }] }] } })
    const routing = await chat.call('routing.get', {})
    await chat.call('routing.update', {
      ...routing,
      chain: [
        { providerId: 'openai', model: 'gpt-4o-mini', enabled: true },
        { providerId: 'backup', model: 'backup-model', enabled: true },
      ],
      fallbackOn: [...new Set([...routing.fallbackOn, 'server' as const])],
      retry: { maxAttempts: 2, baseDelayMs: 0, maxDelayMs: 0 },
    })
    await enable()
    chat.openai.fault({ kind: 'status', status: 500 }, { times: 2 })
    backup.script(
      { text: [], toolCall: { id: 'call_t', name: 'mcp__test__echo', arguments: { text: 'traced' } }, usage: { inputTokens: 40, outputTokens: 5 } },
      { text: ['It said ', 'traced'], usage: { inputTokens: 60, outputTokens: 7 } },
    )

    const { result } = await chat.send({ text: 'secret prompt words', target: { auto: true } }, 'allow-once')
    expect(result).toMatchObject({ ok: true, value: { message: { text: 'It said traced' } } })
    await closeCore()

    const root = one('chat auto')
    expect(root.parentSpanId).toBeNull()
    expect(root.kind).toBe(3) // CLIENT
    expect(root.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'ollama_desk.provider.id': 'backup',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'backup-model',
      'gen_ai.usage.input_tokens': 100,
      'gen_ai.usage.output_tokens': 12,
      'gen_ai.response.finish_reasons': ['stop'],
      'ollama_desk.tool_rounds': 1,
    })
    expect(root.attributes['ollama_desk.ttft_ms']).toEqual(expect.any(Number))
    expect(root.statusCode).not.toBe(2)
    expect(root.resource).toMatchObject({ 'service.name': 'ollama-desk', 'service.version': '9.9.9-test' })
    const inTrace = receiver.spans.filter((span) => span.traceId === root.traceId)
    const childOf = (parent: ReceivedSpan) => inTrace.filter((span) => span.parentSpanId === parent.spanId).map((span) => span.name)

    // First try and its retry at OpenAI failed with a server error; the fallback answered.
    // The second round (after the tool call) starts with the provider that asked: a first try again.
    const attempts = byName('ollama_desk.attempt')
    expect(attempts.map((span) => span.attributes['ollama_desk.provider.id'])).toEqual(['openai', 'backup'])
    const first = attempts[0]!
    const retry = one('ollama_desk.retry')
    expect(first.attributes).toMatchObject({ 'gen_ai.request.model': 'gpt-4o-mini', 'ollama_desk.attempt.number': 1, 'error.type': 'server' })
    expect(first.statusCode).toBe(2)
    expect(retry.attributes).toMatchObject({ 'ollama_desk.provider.id': 'openai', 'ollama_desk.attempt.number': 2, 'ollama_desk.retry.delay_ms': 0, 'error.type': 'server' })
    const fallbacks = byName('ollama_desk.fallback')
    expect(fallbacks.length).toBeGreaterThanOrEqual(1)
    expect(fallbacks[0]!.attributes).toMatchObject({ 'ollama_desk.provider.id': 'backup', 'gen_ai.request.model': 'backup-model' })
    expect(fallbacks[0]!.attributes['error.type']).toBeUndefined()
    expect(childOf(root)).toEqual(expect.arrayContaining(['ollama_desk.attempt', 'ollama_desk.retry', 'ollama_desk.fallback', 'hook UserPromptSubmit', 'execute_tool mcp__test__echo']))

    const tool = one('execute_tool mcp__test__echo')
    expect(tool.attributes).toMatchObject({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'mcp__test__echo', 'gen_ai.tool.call.id': 'call_t', 'ollama_desk.tool.decision': 'allow-once' })
    expect(childOf(tool)).toEqual(expect.arrayContaining(['hook PreToolUse', 'tools/call mcp__test__echo']))
    expect(one('tools/call mcp__test__echo').attributes).toMatchObject({ 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'mcp__test__echo' })
    expect(one('hook UserPromptSubmit').attributes).toMatchObject({ 'ollama_desk.hook.event': 'UserPromptSubmit', 'ollama_desk.hook.exit_code': 0 })

    // Timings, counts and names only: the prompt, the reply and the tool's text never leave.
    const exported = JSON.stringify(receiver.requests.map((r) => r.body))
    expect(exported).not.toContain('secret prompt words')
    expect(exported).not.toContain('It said')
    expect(exported).not.toContain('"traced"')
  })

  it('never sends traceparent or tracestate to a provider while tracing is on', async () => {
    await enable()
    chat.openai.fault({ kind: 'status', status: 500 }, { times: 1 })
    const { result } = await chat.send({ text: 'hi', target: chat.target })
    expect(result.ok).toBe(true)
    await closeCore()
    expect(receiver.spans.length).toBeGreaterThan(0)
    const headers = chat.openai.requests.map((request) => Object.keys(request.headers))
    expect(headers.length).toBeGreaterThanOrEqual(2)
    for (const names of headers) expect(names.filter((name) => /^trace(parent|state)$/i.test(name))).toEqual([])
  })

  it('records a failed chat with its error class', async () => {
    await enable()
    const routing = await chat.call('routing.get', {})
    await chat.call('routing.update', { ...routing, retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 } })
    chat.openai.fault({ kind: 'status', status: 401 })
    const { result } = await chat.send({ text: 'hi', target: chat.target })
    expect(result.ok).toBe(false)
    await closeCore()
    const root = one('chat gpt-4o-mini')
    expect(root.statusCode).toBe(2)
    expect(root.attributes['error.type']).toEqual(expect.any(String))
    expect(one('ollama_desk.attempt').attributes['error.type']).toBe('auth')
  })
})

describe('tracing off', () => {
  it('exports nothing by default, and nothing more once turned off again live', async () => {
    await chat.t.core.settings.update({ telemetry: { endpoint: receiver.url } })
    expect(chat.t.core.settings.get().telemetry.enabled).toBe(false)
    expect((await chat.send({ text: 'one', target: chat.target })).result.ok).toBe(true)
    expect(await chat.call('telemetry.status', {})).toMatchObject({ enabled: false, exported: 0, failed: 0 })

    await enable()
    expect((await chat.send({ text: 'two', target: chat.target })).result.ok).toBe(true)
    await chat.t.core.settings.update({ telemetry: { enabled: false } })
    // Turning it off sends what was pending, then stops. On a slow machine part of the chat may
    // have gone out earlier in its own batch: wait for all of it (the chat's own span ends last),
    // not just for the first export.
    await expect.poll(() => receiver.spans.some((span) => span.name === 'chat gpt-4o-mini')).toBe(true)
    await expect.poll(async () => (await chat.call('telemetry.status', {})).exported).toBe(receiver.spans.length)
    expect((await chat.call('telemetry.status', {})).exported).toBeGreaterThan(0)
    const requestsWhenOff = receiver.requests.length
    expect(requestsWhenOff).toBeGreaterThan(0)

    expect((await chat.send({ text: 'three', target: chat.target })).result.ok).toBe(true)
    await closeCore()
    expect(receiver.requests.length).toBe(requestsWhenOff)
  })
})

describe('a bad endpoint', () => {
  it('telemetry.test refuses a non-http scheme with a validation error', async () => {
    const result = await api().call('telemetry.test', { endpoint: 'ftp://127.0.0.1/v1/traces' })
    expect(result).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } })
    const saved = await api().call('settings.update', { telemetry: { endpoint: 'file:///etc/passwd' } })
    expect(saved).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } })
    expect(chat.t.core.settings.get().telemetry.endpoint).toBe('http://127.0.0.1:4318/v1/traces')
  })

  it('telemetry.test names an unreachable collector with a clear network error', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}/v1/traces`
    const result = await api().call('telemetry.test', { endpoint })
    expect(result).toMatchObject({ ok: false, error: { code: 'E_NETWORK', message: expect.stringContaining(`The collector at ${endpoint} did not accept the test span`) } })
    if (!result.ok) expect(result.error.hint).toMatch(/4318/)
  })

  it('telemetry.test reports a collector that refuses, and succeeds against a working one', async () => {
    receiver.failWith(400)
    expect(await api().call('telemetry.test', { endpoint: receiver.url })).toMatchObject({ ok: false, error: { code: 'E_NETWORK' } })
    receiver.failWith(null)
    await chat.t.core.settings.update({ telemetry: { endpoint: receiver.url, headers: { 'x-collector-key': 'k-123' } } })
    const ok = await api().call('telemetry.test', {})
    expect(ok).toMatchObject({ ok: true, value: { endpoint: receiver.url } })
    expect(receiver.spans.map((span) => span.name)).toContain('ollama_desk.test')
    expect(receiver.requests.at(-1)?.headers['x-collector-key']).toBe('k-123')
    // The test span goes on its own exporter: tracing stays off.
    expect(await chat.call('telemetry.status', {})).toMatchObject({ enabled: false, exported: 0 })
  })

  it('never breaks a chat; the status counts the lost spans and says why', async () => {
    await enable(`http://127.0.0.1:${await closedPort()}/v1/traces`)
    const { result } = await chat.send({ text: 'hi', target: chat.target })
    expect(result).toMatchObject({ ok: true, value: { message: { text: 'Hello from the fake.' } } })
    await chat.t.core.settings.update({ telemetry: { enabled: false } })
    await expect.poll(async () => (await chat.call('telemetry.status', {})).failed).toBeGreaterThan(0)
    const status = await chat.call('telemetry.status', {})
    expect(status).toMatchObject({ enabled: false, exported: 0 })
    expect(status.lastError).toMatch(/ECONNREFUSED/)
  })
})
