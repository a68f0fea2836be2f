import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startChatCore, type ChatCore } from '../../../test/support/chat-core'
import type { OpenAiFake } from '../../../test/support/fakes/openai-server'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'

/** A model calls a tool of a real MCP server (stdio child process) through the whole chat path. */

const server = path.join(import.meta.dirname, '..', 'mcp', 'testdata', 'stdio-server.mjs')
let openai: OpenAiFake
let chat: ChatCore

beforeEach(async () => {
  chat = await startChatCore()
  openai = chat.openai
  await call('mcp.save', { config: { name: 'test', transport: 'stdio', command: process.execPath, args: [server] } })
  await expect.poll(async () => (await call('mcp.tools', {})).tools.map((tool) => tool.qualifiedName)).toContain('mcp__test__echo')
})

afterEach(async () => {
  await chat.close()
  removeTempDirs()
})

const target = { providerId: 'openai', model: 'gpt-4o-mini' }
const call: ChatCore['call'] = (route, input) => chat.call(route, input)
const send: ChatCore['send'] = (input, answer) => chat.send(input, answer)

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
