import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ChatEvent } from '../../../src-shared/contract'
import { startChatCore, type ChatCore } from '../../../test/support/chat-core'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { parseAgentMarkdown } from './agent-file'
import { assistantSettings, targetOf } from './assistant'

/** Assistants: a chat started with an agent runs with its prompt, model, parameters and tools, through the whole chat path. */

let chat: ChatCore
let workspace: string

beforeEach(async () => {
  chat = await startChatCore()
  workspace = fs.realpathSync(makeTempDir('assistant-ws-'))
})

afterEach(async () => {
  await chat.close()
  removeTempDirs()
})

const REVIEWER = [
  '---',
  'name: reviewer',
  'description: Reviews code.',
  'tools: Read, Grep, NotebookRead',
  'model: openai:gpt-4o-mini',
  'effort: low',
  'parameters: { temperature: 0.2, seed: 7 }',
  'initialPrompt: Review the last commit.',
  '---',
  'You review code. Be brief.',
  '',
].join('\n')

function writeAgent(text: string): void {
  const dir = path.join(chat.t.dir, 'agents')
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, `${/name: (\S+)/.exec(text)?.[1]}.md`), text)
}

type Body = { messages: { role: string; content: string }[]; temperature?: number; seed?: number; reasoning_effort?: string; tools?: { function: { name: string } }[] }
const completions = (): Body[] => chat.openai.requests.filter((r) => r.path.endsWith('/chat/completions')).map((r) => r.body as Body)

describe('starting a chat with an agent', () => {
  it('makes the agent’s prompt, model, parameters and tool set the chat’s own settings', async () => {
    writeAgent(REVIEWER)
    const started = await chat.call('agents.startChat', { name: 'reviewer', workspace })
    expect(started).toMatchObject({
      settings: {
        target: { providerId: 'openai', model: 'gpt-4o-mini' },
        system: 'You review code. Be brief.',
        params: { temperature: 0.2, seed: 7, reasoningEffort: 'low' },
        agent: { name: 'reviewer', tools: ['Read', 'Grep', 'NotebookRead'], disallowedTools: [] },
      },
      notices: ['This app has no NotebookRead tool; the agent works without it.'],
      initialPrompt: 'Review the last commit.',
    })
    expect(await chat.call('chat.settings.get', { sessionId: started.sessionId })).toEqual({ settings: started.settings, notice: null })
    expect(await chat.call('sessions.get', { id: started.sessionId })).toMatchObject({ title: 'reviewer', workspace })

    chat.openai.script({ text: ['Looks fine.'] })
    const { result } = await chat.send({ sessionId: started.sessionId, text: 'review a.ts', target: chat.target, workspace })
    expect(result).toMatchObject({ ok: true, value: { message: { text: 'Looks fine.' } } })
    const [request] = completions()
    expect(request?.messages[0]).toEqual({ role: 'system', content: 'You review code. Be brief.' })
    expect(request).toMatchObject({ temperature: 0.2, seed: 7 })
    // Only the agent's tools are offered (the chat would otherwise have Bash, Write, Skill …).
    expect(request?.tools?.map((tool) => tool.function.name).sort()).toEqual(['Grep', 'Read'])
    // The tool set is kept with the chat for its next turns.
    expect((await chat.call('chat.settings.get', { sessionId: started.sessionId })).settings.agent).toEqual(started.settings.agent)
  })

  it('refuses a call outside the agent’s tools, or to a tool it names that the app does not have, without asking and without running it', async () => {
    writeAgent(REVIEWER)
    const { sessionId } = await chat.call('agents.startChat', { name: 'reviewer', workspace })
    chat.openai.script(
      { text: [], toolCall: { id: 'call_b', name: 'Bash', arguments: { command: 'touch made.txt' } } },
      { text: [], toolCall: { id: 'call_n', name: 'NotebookRead', arguments: { notebook_path: 'a.ipynb' } } },
      { text: ['Done without them.'] },
    )
    const { events, result } = await chat.send({ sessionId, text: 'go', target: chat.target, workspace }, 'allow-once')
    expect(result).toMatchObject({ ok: true, value: { message: { text: 'Done without them.' } } })
    expect(events.some((event) => event.type === 'permission')).toBe(false)
    expect(events.filter((event): event is Extract<ChatEvent, { type: 'tool_result' }> => event.type === 'tool_result').map((event) => [event.name, event.ok, event.decision, event.output])).toEqual([
      ['Bash', false, 'not in the agent’s tools', 'Bash is not one of the tools of the agent reviewer.'],
      ['NotebookRead', false, 'not in the agent’s tools', 'NotebookRead is not a tool this chat has.'],
    ])
    expect(fs.existsSync(path.join(workspace, 'made.txt'))).toBe(false)
  })

  it('a chat without an agent still offers and asks for every tool', async () => {
    chat.openai.script({ text: [], toolCall: { id: 'call_b', name: 'Bash', arguments: { command: 'true' } } }, { text: ['ok'] })
    const { events } = await chat.send({ text: 'go', target: chat.target, workspace }, 'deny')
    expect(events.find((event) => event.type === 'permission')).toBeDefined()
    expect(completions()[0]?.tools?.map((tool) => tool.function.name)).toEqual(expect.arrayContaining(['Bash', 'Read', 'Write']))
  })

  it('says so when the agent names a model no provider here has, and keeps the default', async () => {
    writeAgent('---\nname: sonnet-fan\ndescription: d\nmodel: sonnet\ndisallowedTools: Bash\n---\nHi.\n')
    const started = await chat.call('agents.startChat', { name: 'sonnet-fan' })
    expect(started.notices).toEqual(['The agent asks for the model "sonnet", which is not a provider:model this app has (for example ollama:llama3.2); the chat uses the first local model.'])
    expect(started.settings.target).toBeUndefined()
    expect(started.settings.agent).toEqual({ name: 'sonnet-fan', tools: null, disallowedTools: ['Bash'] })
    expect(started.initialPrompt).toBeNull()
  })

  it('answers an unknown agent with E_NOT_FOUND and creates no chat', async () => {
    const before = (await chat.call('sessions.list', {})).sessions.length
    await expect(chat.call('agents.startChat', { name: 'nobody' })).rejects.toThrow('There is no agent named "nobody"')
    expect((await chat.call('sessions.list', {})).sessions.length).toBe(before)
  })
})

describe('assistantSettings', () => {
  const definition = (frontmatter: string) => {
    const parsed = parseAgentMarkdown(`---\nname: a\ndescription: d\n${frontmatter}\n---\nPrompt.\n`)
    if (!parsed.definition) throw new Error(JSON.stringify(parsed.issues))
    return parsed.definition
  }

  it('reads provider:model with colons in the model, and only for configured providers', () => {
    expect(targetOf('ollama:llama3.2:3b', ['ollama'])).toEqual({ providerId: 'ollama', model: 'llama3.2:3b' })
    expect(targetOf('ollama:llama3.2:3b', ['openai'])).toBeNull()
    expect(targetOf('llama3.2', ['ollama'])).toBeNull()
    expect(targetOf('ollama:', ['ollama'])).toBeNull()
  })

  it('keeps the defaults the agent does not set, and its own parameters win over its effort', () => {
    const defaults = { target: { providerId: 'ollama', model: 'qwen3' }, params: { topK: 20, temperature: 1 } }
    expect(assistantSettings(definition('effort: max\nparameters: { temperature: 0.5, reasoningEffort: medium }'), { defaults, providerIds: ['ollama'] }).settings).toEqual({
      target: { providerId: 'ollama', model: 'qwen3' },
      system: 'Prompt.',
      params: { topK: 20, temperature: 0.5, reasoningEffort: 'medium' },
      agent: { name: 'a', tools: null, disallowedTools: [] },
    })
    expect(assistantSettings(definition('effort: xhigh'), { defaults, providerIds: [] }).settings.params.reasoningEffort).toBe('high')
  })
})
