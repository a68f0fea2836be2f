import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ChatEvent, HooksConfig } from '../../../src-shared/contract'
import { createLocalClient } from '../rpc'
import type { TestCore } from '../../../test/support/core'
import type { OpenAiFake } from '../../../test/support/fakes/openai-server'
import { startChatCore, type ChatCore } from '../../../test/support/chat-core'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'

/**
 * Stop, SessionStart and SessionEnd as Claude Code has them (issue 19, finding 10), through the
 * whole chat path: a real core, real hook processes, the OpenAI fake.
 */

let t: TestCore
let openai: OpenAiFake
let chat: ChatCore
let dir: string
let log: string
let coreClosed: boolean

beforeEach(async () => {
  chat = await startChatCore()
  ;({ t, openai } = chat)
  dir = fs.realpathSync(makeTempDir('ollama-desk-hooks-'))
  log = path.join(dir, 'events.log')
  coreClosed = false
})

afterEach(async () => {
  if (coreClosed) await openai.close()
  else await chat.close()
  removeTempDirs()
})

const target = { providerId: 'openai', model: 'gpt-4o-mini' }
const call: ChatCore['call'] = (route, input) => chat.call(route, input)
const send: ChatCore['send'] = (input, answer) => chat.send(input, answer)
// Hooks here must finish, so they get the default minute: a busy machine may start node slowly.
const hook = (command: string) => [{ hooks: [{ type: 'command' as const, command, timeout: 60 }] }]

/** A node script as a hook: it gets the payload as `p`, logs it as one line, then runs `then`. */
function script(name: string, then = ''): string {
  const file = path.join(dir, `${name}.js`)
  const body = `let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const p=JSON.parse(s);require('fs').appendFileSync(${JSON.stringify(log)},JSON.stringify(p)+'\\n');${then}})`
  fs.writeFileSync(file, body)
  return `node ${JSON.stringify(file)}`
}

const payloads = (): Record<string, unknown>[] =>
  fs.existsSync(log)
    ? fs
        .readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>)
    : []
const completions = () => openai.requests.filter((r) => r.path.endsWith('/chat/completions')).map((r) => r.body as { model: string; messages: { role: string; content: string }[] })
/** SessionStart/SessionEnd as `event:source-or-reason@session`, in order. */
const lifecycle = () => payloads().map((p) => `${String(p.hook_event_name)}:${String(p.source ?? p.reason)}@${String(p.session_id)}`)

describe('a Stop hook that blocks continues the reply', () => {
  it('decision: block — the model gets the reason as a new instruction, and stop_hook_active is true the next time', async () => {
    const stop = script('stop', `if(!p.stop_hook_active)console.log(JSON.stringify({decision:'block',reason:'Also list the files you changed.'}))`)
    await call('hooks.save', { source: 'user', hooks: { Stop: hook(stop) } })
    openai.script({ text: ['Done.'] }, { text: ['Files: a.txt.'] })
    const { events, result } = await send({ text: 'do the thing', target })
    expect(result).toMatchObject({ ok: true, value: { message: { text: 'Files: a.txt.' } } })
    const [, second] = completions()
    expect(completions()).toHaveLength(2)
    expect(second!.messages.slice(-2)).toEqual([
      { role: 'assistant', content: 'Done.' },
      { role: 'user', content: expect.stringContaining('Also list the files you changed.') },
    ])
    expect(payloads().map((p) => p.stop_hook_active)).toEqual([false, true])
    expect(events).toContainEqual(expect.objectContaining({ type: 'hook', event: 'Stop', message: expect.stringContaining('Also list the files you changed.') }))
    if (!result.ok) return
    const stored = (await (await t.core.sessions()).getMessages(result.value.sessionId, { limit: 20 })).messages
    expect(stored.map((m) => [m.role, m.text])).toEqual([
      ['user', 'do the thing'],
      ['assistant', 'Done.'],
      ['assistant', 'Files: a.txt.'],
    ])
  }, 60_000)

  it('names the continuation’s own message before its text, so the window shows each round once', async () => {
    const stop = script('stop-round', `if(!p.stop_hook_active)console.log(JSON.stringify({decision:'block',reason:'Say which tests you ran.'}))`)
    await call('hooks.save', { source: 'user', hooks: { Stop: hook(stop) } })
    openai.script({ text: ['Done.'] }, { text: ['Ran them all.'] })
    const { events, result } = await send({ text: 'do the thing', target })
    if (!result.ok) throw new Error(result.error.message)
    const stored = (await (await t.core.sessions()).getMessages(result.value.sessionId, { limit: 20 })).messages
    const [, first, second] = stored
    expect(events.find((e) => e.type === 'started')).toMatchObject({ assistantMessageId: first!.id })
    const round = events.findIndex((e) => e.type === 'round')
    expect(events[round]).toEqual({ type: 'round', assistantMessageId: second!.id, parentId: first!.id })
    expect(result.value.message.id).toBe(second!.id)
    // Every word of the continuation comes after its round starts, none of the first reply's.
    const texts = (from: number, to: number) => events.slice(from, to).flatMap((e) => (e.type === 'text' ? [e.text] : [])).join('')
    expect([texts(0, round), texts(round, events.length)]).toEqual(['Done.', 'Ran them all.'])
  }, 60_000)

  it('exit 2 — stderr is the reason the reply continues with', async () => {
    const stop = script('stop2', `if(!p.stop_hook_active){process.stderr.write('Run the tests too.');process.exitCode=2}`)
    await call('hooks.save', { source: 'user', hooks: { Stop: hook(stop) } })
    openai.script({ text: ['Changed it.'] }, { text: ['Tests pass.'] })
    const { result } = await send({ text: 'change it', target })
    expect(result).toMatchObject({ ok: true, value: { message: { text: 'Tests pass.' } } })
    expect(completions()[1]!.messages.at(-1)).toEqual({ role: 'user', content: expect.stringContaining('Run the tests too.') })
  }, 60_000)

  it('a hook that always blocks gets at most 3 continuations, then the reply ends and says so', async () => {
    const stop = script('stop-always', `process.stderr.write('keep going');process.exitCode=2`)
    await call('hooks.save', { source: 'user', hooks: { Stop: hook(stop) } })
    openai.script({ text: ['one'] }, { text: ['two'] }, { text: ['three'] }, { text: ['four'] }, { text: ['five'] }, { text: ['six'] })
    const { events, result } = await send({ text: 'go', target })
    expect(result).toMatchObject({ ok: true, value: { message: { text: 'four' } } })
    expect(completions()).toHaveLength(4)
    expect(payloads().map((p) => p.stop_hook_active)).toEqual([false, true, true, true])
    expect(events.filter((e): e is Extract<ChatEvent, { type: 'hook' }> => e.type === 'hook').at(-1)?.message).toMatch(/kept blocking.*3 continuations/)
  }, 60_000)
})

describe('SessionStart and SessionEnd', () => {
  const recordBoth = (): HooksConfig => {
    const record = script('record')
    return { SessionStart: hook(record), SessionEnd: hook(record) }
  }

  it('a chat opened again starts with source resume; closing ends it with reason other, clearing with reason clear', async () => {
    await call('hooks.save', { source: 'user', hooks: recordBoth() })
    openai.script({ text: ['hi'] }, { text: ['again'] })
    const first = await send({ text: 'hello', target })
    if (!first.result.ok) throw new Error(first.result.error.message)
    const id = first.result.value.sessionId
    await call('sessions.lifecycle', { sessionId: id, state: 'closed' })
    await call('sessions.lifecycle', { sessionId: id, state: 'opened' })
    // Opened twice (two windows, a re-render): one session, one start.
    await call('sessions.lifecycle', { sessionId: id, state: 'opened' })
    await call('sessions.lifecycle', { sessionId: id, state: 'cleared' })
    // A send into a chat that is not open (the CLI's `chat --session`) resumes it.
    await send({ sessionId: id, text: 'more', target })
    expect(lifecycle()).toEqual([`SessionStart:startup@${id}`, `SessionEnd:other@${id}`, `SessionStart:resume@${id}`, `SessionEnd:clear@${id}`, `SessionStart:resume@${id}`])
  }, 60_000)

  it('a window that opens a new chat as soon as it starts does not turn its startup into a resume', async () => {
    await call('hooks.save', { source: 'user', hooks: recordBoth() })
    openai.script({ text: ['hi'] })
    const client = createLocalClient(t.core.dispatcher, 'test')
    let opened: Promise<unknown> | undefined
    let id = ''
    const done = await client.stream('chat.send', { text: 'hello', target }, (event) => {
      if (event.type !== 'started') return
      id = event.sessionId
      opened = client.call('sessions.lifecycle', { sessionId: id, state: 'opened' })
    }).done
    expect(done.ok).toBe(true)
    expect(await opened).toEqual({ ok: true, value: { fired: null } })
    expect(lifecycle()).toEqual([`SessionStart:startup@${id}`])
  }, 60_000)

  it('quitting the app (closing the core) ends every open chat with reason prompt_input_exit', async () => {
    await call('hooks.save', { source: 'user', hooks: recordBoth() })
    openai.script({ text: ['a'] }, { text: ['b'] })
    const one = await send({ text: 'one', target })
    const two = await send({ text: 'two', target })
    if (!one.result.ok || !two.result.ok) throw new Error('chat failed')
    const [a, b] = [one.result.value.sessionId, two.result.value.sessionId]
    coreClosed = true
    await t.core.close()
    // The open chats end in parallel: in any order.
    expect(lifecycle().slice(0, 2)).toEqual([`SessionStart:startup@${a}`, `SessionStart:startup@${b}`])
    expect(lifecycle().slice(2).sort()).toEqual([`SessionEnd:prompt_input_exit@${a}`, `SessionEnd:prompt_input_exit@${b}`].sort())
  }, 60_000)

  it('a chat closed before the app quits is not ended again at quit', async () => {
    await call('hooks.save', { source: 'user', hooks: recordBoth() })
    openai.script({ text: ['a'] }, { text: ['b'] })
    const one = await send({ text: 'one', target })
    const two = await send({ text: 'two', target })
    if (!one.result.ok || !two.result.ok) throw new Error('chat failed')
    const [a, b] = [one.result.value.sessionId, two.result.value.sessionId]
    await call('sessions.lifecycle', { sessionId: a, state: 'closed' })
    coreClosed = true
    await t.core.close()
    expect(lifecycle()).toEqual([`SessionStart:startup@${a}`, `SessionStart:startup@${b}`, `SessionEnd:other@${a}`, `SessionEnd:prompt_input_exit@${b}`])
  }, 60_000)

  it('deleting an open chat ends it with reason other (Claude Code has no "delete" reason)', async () => {
    await call('hooks.save', { source: 'user', hooks: recordBoth() })
    openai.script({ text: ['a'] })
    const one = await send({ text: 'one', target })
    if (!one.result.ok) throw new Error('chat failed')
    const a = one.result.value.sessionId
    await call('sessions.delete', { ids: [a] })
    await expect.poll(() => lifecycle().filter((line) => line.startsWith('SessionEnd'))).toEqual([`SessionEnd:other@${a}`])
  }, 60_000)

  it('deleting chats ends only the open ones; a chat already ended is not ended twice', async () => {
    await call('hooks.save', { source: 'user', hooks: recordBoth() })
    openai.script({ text: ['a'] }, { text: ['b'] })
    const one = await send({ text: 'one', target })
    const two = await send({ text: 'two', target })
    if (!one.result.ok || !two.result.ok) throw new Error('chat failed')
    const [a, b] = [one.result.value.sessionId, two.result.value.sessionId]
    await call('sessions.lifecycle', { sessionId: b, state: 'closed' })
    await call('sessions.delete', { ids: [a, b] })
    await expect.poll(() => lifecycle().filter((line) => line.startsWith('SessionEnd'))).toEqual([`SessionEnd:other@${b}`, `SessionEnd:other@${a}`])
    // b was ended when it was closed; only a (still open) is ended by the deletion. Nothing comes later.
    await t.core.close()
    coreClosed = true
    expect(lifecycle().filter((line) => line.startsWith('SessionEnd'))).toEqual([`SessionEnd:other@${b}`, `SessionEnd:other@${a}`])
  }, 60_000)

  it('a compaction starts the session again with source compact', async () => {
    await call('hooks.save', { source: 'user', hooks: { ...recordBoth(), PreCompact: hook(script('precompact')) } })
    openai.script({ text: ['r0'] }, { text: ['r1'] }, { text: ['r2'] }, { text: ['r3'] }, { text: ['r4'] }, { text: ['The summary.'] })
    const first = await send({ text: 'turn 0 with some words in it', target })
    if (!first.result.ok) throw new Error(first.result.error.message)
    const id = first.result.value.sessionId
    for (let i = 1; i < 5; i++) await send({ sessionId: id, text: `turn ${i} with some words in it`, target })
    const done = await call('sessions.compact', { sessionId: id, force: true, contextWindow: 1000 })
    expect(done.compacted).toBe(true)
    expect(payloads().map((p) => `${String(p.hook_event_name)}:${String(p.source ?? p.trigger)}`)).toEqual(['SessionStart:startup', 'PreCompact:manual', 'SessionStart:compact'])
  }, 60_000)

  it('what SessionStart hooks print reaches the model: at once when a stored chat resumes with a prompt, else with the next prompt', async () => {
    const start = script('start', `console.log('Context from ' + p.source + '.')`)
    await call('hooks.save', { source: 'user', hooks: { SessionStart: hook(start) } })
    openai.script({ text: ['one'] }, { text: ['two'] }, { text: ['three'] })
    const first = await send({ text: 'hello', target })
    if (!first.result.ok) throw new Error(first.result.error.message)
    const id = first.result.value.sessionId
    // A new chat's request is under way before the chat exists: its startup context comes with the next prompt.
    await send({ sessionId: id, text: 'again', target })
    await call('sessions.lifecycle', { sessionId: id, state: 'closed' })
    // Not open: this send resumes it before its request is built.
    await send({ sessionId: id, text: 'third', target })
    const systemOf = (i: number) => completions()[i]!.messages.filter((m) => m.role === 'system').map((m) => m.content)
    expect(systemOf(0)).toEqual([])
    expect(systemOf(1)).toEqual(['Context from startup.'])
    expect(systemOf(2)).toEqual(['Context from resume.'])
  }, 60_000)

  it('sessions.lifecycle refuses bad input specifically, and an unknown chat', async () => {
    const api = createLocalClient(t.core.dispatcher, 'test')
    const bad = async (input: unknown) => {
      const result = await api.call('sessions.lifecycle', input as never)
      return result.ok ? null : result.error
    }
    expect(await bad({ sessionId: '', state: 'opened' })).toMatchObject({ code: 'E_VALIDATION', message: expect.stringContaining('sessionId') })
    expect(await bad({ sessionId: 'x'.repeat(65), state: 'opened' })).toMatchObject({ code: 'E_VALIDATION', message: expect.stringContaining('sessionId') })
    expect(await bad({ sessionId: 'abc', state: 'deleted' })).toMatchObject({ code: 'E_VALIDATION', message: expect.stringMatching(/state.*opened.*closed.*cleared/s) })
    expect(await bad({ sessionId: 'abc' })).toMatchObject({ code: 'E_VALIDATION', message: expect.stringContaining('state') })
    expect(await bad({ sessionId: 'abc', state: 'opened', reason: 'delete' })).toMatchObject({ code: 'E_VALIDATION', message: expect.stringContaining('reason') })
    expect(await bad({ sessionId: 'no-such-chat', state: 'opened' })).toMatchObject({ code: 'E_NOT_FOUND' })
  })
})
