import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ChatEvent, HookEvent, HooksConfig } from '../../../src-shared/contract'
import { HOOK_EVENTS } from '../../../src-shared/contract'
import { createTestCore, type TestCore } from '../../../test/support/core'
import type { OpenAiFake } from '../../../test/support/fakes/openai-server'
import { startChatCore, type ChatCore } from '../../../test/support/chat-core'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'

/** Hooks, tools, approvals and skills through the whole chat path: real core, real processes, the OpenAI fake. */

let t: TestCore
let openai: OpenAiFake
let workspace: string
let chat: ChatCore

beforeEach(async () => {
  chat = await startChatCore()
  ;({ t, openai } = chat)
  workspace = fs.realpathSync(makeTempDir('ollama-desk-ws-'))
})

afterEach(async () => {
  await chat.close()
  removeTempDirs()
})

const target = { providerId: 'openai', model: 'gpt-4o-mini' }
const call: ChatCore['call'] = (route, input) => chat.call(route, input)
const send: ChatCore['send'] = (input, answer) => chat.send(input, answer)

const toolCallReply = (command: string) => ({ text: [], toolCall: { id: 'call_1', name: 'Bash', arguments: { command } } })

describe('tools in a chat', () => {
  it('asks before running a shell command; denied, nothing runs and the model is told', async () => {
    openai.script(toolCallReply('echo hi > made.txt'), { text: ['Understood, I will not.'] })
    const { events, result } = await send({ text: 'make a file', target, workspace }, 'deny')
    expect(result).toMatchObject({ ok: true, value: { message: { text: 'Understood, I will not.' } } })
    const asked = events.find((e) => e.type === 'permission') as Extract<ChatEvent, { type: 'permission' }>
    expect(asked.request).toMatchObject({ tool: 'Bash', summary: expect.stringMatching(/^Bash: echo hi > made\.txt( \((Runs in a sandbox|No sandbox is available)[^)]*\))$/) })
    expect(fs.existsSync(path.join(workspace, 'made.txt'))).toBe(false)
    expect(events.find((e) => e.type === 'tool_result')).toMatchObject({ name: 'Bash', ok: false, decision: 'denied by you' })
    // Round two carries the call and its result with the same id, as every provider requires.
    const second = openai.requests.filter((r) => r.path.endsWith('/chat/completions'))[1]!.body as { messages: { role: string; tool_call_id?: string; tool_calls?: { id: string }[] }[] }
    expect(second.messages.find((m) => m.role === 'assistant')?.tool_calls?.[0]?.id).toBe('call_1')
    expect(second.messages.find((m) => m.role === 'tool')).toMatchObject({ tool_call_id: 'call_1' })
  })

  it('runs the command once allowed, in the workspace, and keeps the call and result in the session', async () => {
    openai.script(toolCallReply('echo hi > made.txt && cat made.txt'), { text: ['Made it.'] })
    const { events, result } = await send({ text: 'make a file', target, workspace }, 'allow-once')
    expect(result.ok).toBe(true)
    expect(fs.readFileSync(path.join(workspace, 'made.txt'), 'utf8')).toBe('hi\n')
    expect(events.find((e) => e.type === 'tool_result')).toMatchObject({ ok: true, output: expect.stringContaining('hi'), decision: 'allow-once' })
    if (!result.ok) return
    const stored = (await (await t.core.sessions()).getMessages(result.value.sessionId, { limit: 20 })).messages
    expect(stored.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant'])
    expect(stored[2]!.toolCalls?.[0]).toMatchObject({ id: 'call_1', name: 'Bash', decision: 'allow-once' })
  })

  it('names each tool round’s reply before its text: the message after the tool result', async () => {
    openai.script({ text: ['Let me look. '], toolCall: { id: 'call_1', name: 'Bash', arguments: { command: 'echo hi' } } }, { text: ['It says hi.'] })
    const { events, result } = await send({ text: 'look', target, workspace }, 'allow-once')
    if (!result.ok) throw new Error(result.error.message)
    const [, asked, tool, answer] = (await (await t.core.sessions()).getMessages(result.value.sessionId, { limit: 20 })).messages
    expect(events.find((e) => e.type === 'started')).toMatchObject({ assistantMessageId: asked!.id })
    expect(events.filter((e) => e.type === 'round')).toEqual([{ type: 'round', assistantMessageId: answer!.id, parentId: tool!.id }])
    const round = events.findIndex((e) => e.type === 'round')
    expect(events.findIndex((e) => e.type === 'tool_result')).toBeLessThan(round)
    expect(events.slice(round).flatMap((e) => (e.type === 'text' ? [e.text] : []))).toEqual(['It says hi.'])
  })

  it('offers the user’s skills to the model as the Skill tool, run through their pipeline', async () => {
    const skillDir = path.join(t.dir, 'skills', 'greet')
    fs.mkdirSync(skillDir, { recursive: true })
    fs.writeFileSync(path.join(skillDir, 'SKILL.md'), '---\nname: greet\ndescription: Greets someone\n---\nGreet $ARGUMENTS warmly.\n')
    openai.script({ text: [], toolCall: { id: 'call_s', name: 'Skill', arguments: { skill: 'greet', args: 'Ada' } } }, { text: ['Hello Ada!'] })
    const { events, result } = await send({ text: 'greet Ada', target, workspace }, 'deny')
    expect(result).toMatchObject({ ok: true, value: { message: { text: 'Hello Ada!' } } })
    expect(events.some((e) => e.type === 'permission')).toBe(false)
    const [first, second] = openai.requests.filter((r) => r.path.endsWith('/chat/completions')).map((r) => r.body as { tools?: { function: { name: string } }[]; messages: { role: string; content: string }[] })
    expect(first!.tools?.map((tool) => tool.function.name)).toContain('Skill')
    expect(second!.messages.find((m) => m.role === 'tool')?.content).toBe('Greet Ada warmly.')
  })

  it('offers no tools without a workspace', async () => {
    openai.script({ text: ['plain'] })
    await send({ text: 'hi', target })
    const body = openai.requests.at(-1)!.body as { tools?: unknown[] }
    expect(body.tools).toBeUndefined()
  })

  it('refuses a workspace that does not exist, specifically', async () => {
    const { result } = await send({ text: 'hi', target, workspace: path.join(workspace, 'nope') })
    expect(result).toMatchObject({ ok: false, error: { code: 'E_VALIDATION', message: expect.stringContaining('does not exist') } })
  })
})

describe('hooks in a chat', () => {
  // Hooks here must finish, so they get the default minute: a busy machine may start node slowly.
  const hook = (command: string) => [{ hooks: [{ type: 'command' as const, command, timeout: 60 }] }]

  it('a UserPromptSubmit hook that blocks stops the prompt with its reason, and nothing is saved', async () => {
    await call('hooks.save', { source: 'user', hooks: { UserPromptSubmit: hook('echo "no secrets in prompts" >&2; exit 2') } })
    const { result } = await send({ text: 'my password is hunter2', target })
    expect(result).toMatchObject({ ok: false, error: { code: 'E_BLOCKED', message: expect.stringContaining('no secrets in prompts') } })
    expect((await (await t.core.sessions()).listSessions({})).total).toBe(0)
    expect(openai.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(0)
  })

  it('a PreToolUse hook can deny a tool before the permission prompt', async () => {
    await call('hooks.save', { source: 'user', hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'echo "no shell here" >&2; exit 2' }] }] } })
    openai.script(toolCallReply('touch x'), { text: ['ok'] })
    const { events } = await send({ text: 'touch', target, workspace }, 'allow-once')
    expect(events.some((e) => e.type === 'permission')).toBe(false)
    expect(events.find((e) => e.type === 'tool_result')).toMatchObject({ ok: false, output: expect.stringContaining('no shell here') })
    expect(fs.existsSync(path.join(workspace, 'x'))).toBe(false)
  })

  it('fires every one of the 14 events at its moment, with its payload', async () => {
    const log = path.join(workspace, 'events.log')
    // Each hook appends its JSON payload as one line.
    const record = `node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>require('fs').appendFileSync(process.argv[1],JSON.stringify(JSON.parse(s))+'\\n'))" ${JSON.stringify(log)}`
    const hooks: HooksConfig = Object.fromEntries(HOOK_EVENTS.map((event) => [event, hook(record)]))
    await call('hooks.save', { source: 'user', hooks })
    // A skill with its own model runs as a sub-agent.
    const skillDir = path.join(t.dir, 'skills', 'summarise')
    fs.mkdirSync(skillDir, { recursive: true })
    fs.writeFileSync(path.join(skillDir, 'SKILL.md'), '---\nname: summarise\ndescription: Summarise text\nmodel: gpt-4o-mini\n---\nSummarise: $ARGUMENTS\n')

    openai.script(toolCallReply('exit 3'), { text: ['tool failed'] }, { text: ['summary'] })
    const chat = await send({ text: 'run a failing command', target, workspace }, 'allow-once')
    if (!chat.result.ok) throw new Error(chat.result.ok === false ? chat.result.error.message : '')
    await call('skills.run', { name: 'summarise', args: 'this' })
    // Compaction keeps the 8 newest messages: a few more turns first, so PreCompact has something to be asked about.
    const sessionId = chat.result.value.sessionId
    for (let i = 0; i < 3; i++) await send({ sessionId, text: `turn ${i}`, target })
    await call('sessions.compact', { sessionId, force: true, contextWindow: 1000 })
    // Setup runs when the app starts: start it again on the same data folder, now that hooks exist.
    const again = createTestCore({ dataDir: t.dir, ownsHistory: true })
    await again.core.close()
    await call('sessions.delete', { ids: [sessionId] })
    // Tool success too: a second chat whose command works.
    openai.script(toolCallReply('true'), { text: ['fine'] })
    await send({ text: 'run a good command', target, workspace }, 'allow-once')

    const seen = new Set<HookEvent>()
    await expect
      .poll(() => {
        const lines = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : []
        for (const line of lines) seen.add((JSON.parse(line) as { hook_event_name: HookEvent }).hook_event_name)
        return HOOK_EVENTS.filter((event) => !seen.has(event))
      })
      .toEqual([])
    const payloads = fs.readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(payloads.find((p) => p.hook_event_name === 'UserPromptSubmit')).toMatchObject({ prompt: 'run a failing command', cwd: workspace })
    expect(payloads.find((p) => p.hook_event_name === 'PreToolUse')).toMatchObject({ tool_name: 'Bash', tool_input: { command: 'exit 3' } })
    expect(payloads.find((p) => p.hook_event_name === 'SkillTrigger')).toMatchObject({ skill_name: 'summarise' })
  }, 60_000)
})
