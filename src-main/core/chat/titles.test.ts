import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLocalClient } from '../rpc'
import { startOpenAiFake, type OpenAiFake } from '../../../test/support/fakes/openai-server'
import { createRecordingCore } from '../../../test/support/recording-core'
import type { TestCore } from '../../../test/support/core'
import { cleanGenerated, generateTitle, type TitleDeps } from './titles'

/** Chat titles by the utility model: after the first reply, never blocking it, never breaking the chat. */

let t: TestCore
let openai: OpenAiFake
const target = { providerId: 'openai', model: 'gpt-4o-mini' }

async function start(autoTitles: boolean): Promise<void> {
  openai = await startOpenAiFake({ models: ['gpt-4o-mini', 'gpt-4.1-nano'] })
  ;({ t } = createRecordingCore({ autoTitles }))
  await t.core.settings.update({ ollama: { host: '127.0.0.1:9' } })
  const saved = await api().call('providers.save', { config: { id: 'openai', kind: 'openai', name: 'OpenAI', baseUrl: openai.url, proxy: { mode: 'none' } }, key: 'sk-titles-0123456789abcdef' })
  if (!saved.ok) throw new Error(saved.error.message)
}

const api = () => createLocalClient(t.core.dispatcher, 'test')

afterEach(async () => {
  await t.core.close()
  await openai.close()
})

async function chat(text: string): Promise<string> {
  const result = await api().stream('chat.send', { text, target }, () => undefined).done
  if (!result.ok) throw new Error(result.error.message)
  return result.value.sessionId
}

const titleOf = async (id: string) => (await (await t.core.sessions()).getSession(id)).title
const chatRequests = () => openai.requests.filter((r) => r.path === '/v1/chat/completions')

describe('automatic titles in a chat', () => {
  beforeEach(() => start(true))

  it('names a new chat after its first reply, with the chat’s own model by default', async () => {
    openai.script({ text: ['Bake it at 230 °C.'] }, { text: ['"Sourdough baking temperature."'] })
    const id = await chat('How hot should my oven be for sourdough?')
    await t.core.chat.service.titlesSettled()
    expect(await titleOf(id)).toBe('Sourdough baking temperature')
    const [, titleRequest] = chatRequests()
    expect(titleRequest!.body).toMatchObject({ model: 'gpt-4o-mini', max_completion_tokens: 32 })
    expect(JSON.stringify(titleRequest!.body)).toContain('How hot should my oven be')
  })

  it('does not name a chat again on later turns', async () => {
    openai.script({ text: ['A.'] }, { text: ['First title'] }, { text: ['B.'] })
    const id = await chat('One')
    await t.core.chat.service.titlesSettled()
    const result = await api().stream('chat.send', { sessionId: id, text: 'Two', target }, () => undefined).done
    expect(result.ok).toBe(true)
    await t.core.chat.service.titlesSettled()
    expect(chatRequests()).toHaveLength(3)
    expect(await titleOf(id)).toBe('First title')
  })

  it('is off when Settings → Chat says so', async () => {
    await t.core.settings.update({ chat: { autoTitle: false } })
    const id = await chat('Plain title please')
    await t.core.chat.service.titlesSettled()
    expect(chatRequests()).toHaveLength(1)
    expect(await titleOf(id)).toBe('Plain title please')
  })
})

describe('title failures never break the chat', () => {
  let deps: TitleDeps
  let id: string
  const answeredBy = target

  beforeEach(async () => {
    await start(false)
    openai.script({ text: ['Reply.'] })
    id = await chat('Where do penguins live?')
    deps = {
      sessions: () => t.core.sessions(),
      registry: t.core.providers.registry,
      titleTarget: () => null,
      enabled: () => true,
      changed: () => undefined,
    }
  })

  const messagesKept = async () => expect((await (await t.core.sessions()).getMessages(id)).messages.map((m) => m.text)).toEqual(['Where do penguins live?', 'Reply.'])

  it('a provider error leaves the first-line title', async () => {
    openai.fault({ kind: 'status', status: 500 })
    const outcome = await generateTitle(deps, id, answeredBy, 30_000)
    expect(outcome.status).toBe('failed')
    expect(await titleOf(id)).toBe('Where do penguins live?')
    await messagesKept()
  })

  it('a model that never answers is given up on after the timeout', async () => {
    openai.fault({ kind: 'hang' })
    const outcome = await generateTitle(deps, id, answeredBy, 50)
    expect(outcome).toEqual({ status: 'failed', reason: expect.stringMatching(/no title within 50 ms|cancel|stop/i) })
    expect(await titleOf(id)).toBe('Where do penguins live?')
    await messagesKept()
  })

  it('an empty answer changes nothing', async () => {
    openai.script({ text: ['  ', '\n'] })
    expect(await generateTitle(deps, id, answeredBy, 30_000)).toEqual({ status: 'failed', reason: 'the model gave an empty title' })
    expect(await titleOf(id)).toBe('Where do penguins live?')
  })

  it('a manual rename always wins', async () => {
    const renamed = await api().call('sessions.update', { id, title: 'Birds' })
    expect(renamed.ok).toBe(true)
    openai.script({ text: ['Penguin habitats'] })
    expect(await generateTitle(deps, id, answeredBy, 30_000)).toEqual({ status: 'skipped', reason: 'renamed by hand' })
    expect(await titleOf(id)).toBe('Birds')
  })

  it('uses the utility model from Settings → Chat when one is set', async () => {
    openai.script({ text: ['Penguin habitats'] })
    const outcome = await generateTitle({ ...deps, titleTarget: () => ({ providerId: 'openai', model: 'gpt-4.1-nano' }) }, id, answeredBy, 30_000)
    expect(outcome).toEqual({ status: 'titled', title: 'Penguin habitats' })
    expect(openai.requests.at(-1)!.body).toMatchObject({ model: 'gpt-4.1-nano' })
  })
})

describe('cleanGenerated', () => {
  it.each([
    ['"Paris trip."', 'Paris trip'],
    ['Title: Rust lifetimes\nmore text', 'Rust lifetimes'],
    ['<think>hmm</think>\n**Tax forms**', 'Tax forms'],
    ['   ', ''],
  ])('%j → %j', (raw, clean) => expect(cleanGenerated(raw)).toBe(clean))
})
