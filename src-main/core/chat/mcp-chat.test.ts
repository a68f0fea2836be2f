import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ChatEvent, ChatSendInput, RouteInput, RouteName, RouteOutput } from '../../../src-shared/contract'
import type { TestCore } from '../../../test/support/core'
import { startOpenAiFake, type OpenAiFake } from '../../../test/support/fakes/openai-server'
import { createRecordingCore } from '../../../test/support/recording-core'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { createLocalClient } from '../rpc'

/** A model calls a tool of a real MCP server (stdio child process) through the whole chat path. */

const server = path.join(import.meta.dirname, '..', 'mcp', 'testdata', 'stdio-server.mjs')
let t: TestCore
let openai: OpenAiFake

beforeEach(async () => {
  openai = await startOpenAiFake({ models: ['gpt-4o-mini'] })
  ;({ t } = createRecordingCore({ ownsHistory: true }))
  await t.core.settings.update({ ollama: { host: '127.0.0.1:9' } })
  await call('providers.save', { config: { id: 'openai', kind: 'openai', name: 'OpenAI', baseUrl: openai.url, proxy: { mode: 'none' } }, key: 'sk-mcp-test-0123456789abcdef' })
  const routing = await call('routing.get', {})
  await call('routing.update', { ...routing, localLastResort: false })
  await call('mcp.save', { config: { name: 'test', transport: 'stdio', command: process.execPath, args: [server] } })
  await expect.poll(async () => (await call('mcp.tools', {})).tools.map((tool) => tool.qualifiedName), { timeout: 15_000 }).toContain('mcp__test__echo')
})

afterEach(async () => {
  await t.core.close()
  await openai.close()
  removeTempDirs()
})

const api = () => createLocalClient(t.core.dispatcher, 'test')
const target = { providerId: 'openai', model: 'gpt-4o-mini' }

async function call<K extends RouteName>(route: K, input: RouteInput<K>): Promise<RouteOutput<K>> {
  const result = await api().call(route, input)
  if (!result.ok) throw new Error(`${route}: ${result.error.message}`)
  return result.value
}

async function send(input: ChatSendInput, answer: 'allow-once' | 'allow-session' | 'deny') {
  const events: ChatEvent[] = []
  const client = api()
  const result = await client.stream('chat.send', input, (event) => {
    events.push(event)
    if (event.type === 'permission') void client.call('tools.decide', { requestId: event.request.id, decision: answer })
  }).done
  return { events, result }
}

describe('MCP tools in a chat', () => {
  it('offers the server’s tools to the model, asks first, and returns the result to the model', async () => {
    openai.script({ text: [], toolCall: { id: 'call_m', name: 'mcp__test__echo', arguments: { text: 'from the server' } } }, { text: ['It said: from the server'] })
    const { events, result } = await send({ text: 'use the echo tool', target }, 'allow-once')
    expect(result).toMatchObject({ ok: true, value: { message: { text: 'It said: from the server' } } })
    const [first, second] = openai.requests.filter((r) => r.path.endsWith('/chat/completions')).map((r) => r.body as { tools?: { function: { name: string } }[]; messages: { role: string; content: string }[] })
    // No workspace: only MCP tools are offered, name-spaced by server.
    expect(first!.tools?.map((tool) => tool.function.name)).toContain('mcp__test__add')
    expect(first!.tools?.some((tool) => tool.function.name === 'Bash')).toBe(false)
    expect(events.find((e) => e.type === 'permission')).toMatchObject({ request: { tool: 'mcp__test__echo' } })
    expect(second!.messages.find((m) => m.role === 'tool')?.content).toBe('from the server')
  })

  it('denied, the server is never called', async () => {
    openai.script({ text: [], toolCall: { id: 'call_d', name: 'mcp__test__add_tool', arguments: { name: 'should_not_exist' } } }, { text: ['ok'] })
    await send({ text: 'add a tool', target }, 'deny')
    const tools = (await call('mcp.tools', {})).tools.map((tool) => tool.qualifiedName)
    expect(tools).not.toContain('mcp__test__should_not_exist')
  })

  it('PreToolUse hooks match MCP tools by their qualified names', async () => {
    const dir = makeTempDir()
    const log = path.join(dir, 'seen.log')
    await call('hooks.save', { source: 'user', hooks: { PreToolUse: [{ matcher: 'mcp__test__.*', hooks: [{ type: 'command', command: `cat >> ${JSON.stringify(log)}` }] }] } })
    openai.script({ text: [], toolCall: { id: 'call_h', name: 'mcp__test__add', arguments: { a: 2, b: 3 } } }, { text: ['5'] })
    await send({ text: 'add', target }, 'allow-once')
    expect(JSON.parse(fs.readFileSync(log, 'utf8'))).toMatchObject({ hook_event_name: 'PreToolUse', tool_name: 'mcp__test__add', tool_input: { a: 2, b: 3 } })
  })
})
