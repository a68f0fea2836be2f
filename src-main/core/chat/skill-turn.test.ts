import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ChatEvent } from '../../../src-shared/contract'
import type { TestCore } from '../../../test/support/core'
import type { OpenAiFake } from '../../../test/support/fakes/openai-server'
import { startChatCore, type ChatCore } from '../../../test/support/chat-core'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'

/**
 * A skill's `allowed-tools` and `model` (issue 19, finding 10), as in Claude Code: while the skill
 * runs (the rest of the turn it was run in) its tools run without asking, and the model it names
 * answers. Real core, real tools, the OpenAI fake with two models.
 */

let t: TestCore
let openai: OpenAiFake
let chat: ChatCore
let workspace: string

beforeEach(async () => {
  chat = await startChatCore({ models: ['gpt-4o-mini', 'gpt-4.1-mini'] })
  ;({ t, openai } = chat)
  workspace = fs.realpathSync(makeTempDir('ollama-desk-ws-'))
})

afterEach(async () => {
  await chat.close()
  removeTempDirs()
})

const target = { providerId: 'openai', model: 'gpt-4o-mini' }
const send: ChatCore['send'] = (input, answer) => chat.send(input, answer)

function skill(name: string, frontmatter: string, body: string): void {
  const dir = path.join(t.dir, 'skills', name)
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, 'SKILL.md'), `---\nname: ${name}\ndescription: The ${name} skill\n${frontmatter}---\n${body}\n`)
}

const write = (id: string, file: string) => ({ text: [], toolCall: { id, name: 'Write', arguments: { file_path: file, content: `# ${file}\n` } } })
const bash = (id: string, command: string) => ({ text: [], toolCall: { id, name: 'Bash', arguments: { command } } })
const asked = (events: ChatEvent[]) => events.filter((e): e is Extract<ChatEvent, { type: 'permission' }> => e.type === 'permission').map((e) => e.request.tool)
const results = (events: ChatEvent[]) => events.filter((e): e is Extract<ChatEvent, { type: 'tool_result' }> => e.type === 'tool_result').map((e) => [e.name, e.ok, e.decision])
const models = () => openai.requests.filter((r) => r.path.endsWith('/chat/completions')).map((r) => (r.body as { model: string }).model)

describe('a skill’s allowed-tools', () => {
  it('/skill: its tools run without asking for the rest of that turn; tools it does not list still ask; the next turn asks again', async () => {
    skill('scaffold', 'allowed-tools: Write, Read\n', 'Write the notes file.')
    openai.script(write('c1', 'notes.md'), bash('c2', 'touch other.txt'), { text: ['Written.'] }, write('c3', 'more.md'), { text: ['ok'] })

    const first = await send({ text: '/scaffold notes', target, workspace }, 'deny')
    expect(first.result.ok).toBe(true)
    expect(asked(first.events)).toEqual(['Bash'])
    expect(results(first.events)).toEqual([
      ['Write', true, expect.stringContaining('skill scaffold')],
      ['Bash', false, 'denied by you'],
    ])
    expect(fs.readFileSync(path.join(workspace, 'notes.md'), 'utf8')).toBe('# notes.md\n')
    if (!first.result.ok) return

    const second = await send({ sessionId: first.result.value.sessionId, text: 'one more file', target, workspace }, 'deny')
    expect(asked(second.events)).toEqual(['Write'])
    expect(fs.existsSync(path.join(workspace, 'more.md'))).toBe(false)
  }, 60_000)

  it('the Skill tool: once the model ran the skill, its tools run without asking in the rounds after', async () => {
    skill('scaffold', 'allowed-tools:\n  - Write\n', 'Write the notes file.')
    openai.script({ text: [], toolCall: { id: 's1', name: 'Skill', arguments: { skill: 'scaffold' } } }, write('c1', 'notes.md'), { text: ['Done.'] })
    const { events, result } = await send({ text: 'scaffold my notes', target, workspace }, 'deny')
    expect(result.ok).toBe(true)
    expect(asked(events)).toEqual([])
    expect(fs.existsSync(path.join(workspace, 'notes.md'))).toBe(true)
  }, 60_000)

  it('a deny rule still beats the skill’s allowed-tools', async () => {
    skill('scaffold', 'allowed-tools: Write\n', 'Write the notes file.')
    await chat.call('permissions.update', { source: 'user', permissions: { allow: [], deny: ['Write'], defaultMode: 'ask' } })
    openai.script(write('c1', 'notes.md'), { text: ['Could not.'] })
    const { events } = await send({ text: '/scaffold', target, workspace }, 'allow-once')
    expect(results(events)).toEqual([['Write', false, 'denied by rule']])
    expect(fs.existsSync(path.join(workspace, 'notes.md'))).toBe(false)
  }, 60_000)
})

describe('a skill’s model', () => {
  it('/skill with a model: that model answers the turn (on the chat’s provider); the next turn is back on the chat’s model', async () => {
    skill('summarise', 'model: gpt-4.1-mini\n', 'Summarise: $ARGUMENTS')
    openai.script({ text: ['A summary.'] }, { text: ['Plain.'] })
    const first = await send({ text: '/summarise the text', target })
    expect(first.result).toMatchObject({ ok: true, value: { message: { text: 'A summary.', model: 'gpt-4.1-mini' } } })
    if (!first.result.ok) return
    await send({ sessionId: first.result.value.sessionId, text: 'thanks', target })
    expect(models()).toEqual(['gpt-4.1-mini', 'gpt-4o-mini'])
  }, 60_000)

  it('the Skill tool with a model: the rounds after it are answered by that model', async () => {
    skill('summarise', 'model: gpt-4.1-mini\n', 'Summarise: $ARGUMENTS')
    openai.script({ text: [], toolCall: { id: 's1', name: 'Skill', arguments: { skill: 'summarise', args: 'this' } } }, { text: ['A summary.'] })
    const { result } = await send({ text: 'summarise this', target, workspace }, 'deny')
    expect(result).toMatchObject({ ok: true, value: { message: { text: 'A summary.', model: 'gpt-4.1-mini' } } })
    expect(models()).toEqual(['gpt-4o-mini', 'gpt-4.1-mini'])
  }, 60_000)
})
