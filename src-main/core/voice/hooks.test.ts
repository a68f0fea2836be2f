import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startChatCore, type ChatCore } from '../../../test/support/chat-core'
import { startOpenAiAudioFake, type OpenAiAudioFake } from '../../../test/support/fakes/openai-audio'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { captureFrames, SENTENCE, voiceFixtures } from '../../../test/support/voice/fixtures'
import { float32ToPcm16 } from './audio/pcm'
import { decodeWav } from './audio/wav'

let chat: ChatCore
let audio: OpenAiAudioFake
let workspace: string

beforeAll(async () => {
  chat = await startChatCore()
  audio = await startOpenAiAudioFake()
  workspace = fs.realpathSync(makeTempDir('ollama-desk-ws-'))
  await chat.call('providers.save', { config: { id: 'speech', kind: 'openai', name: 'Speech', baseUrl: audio.url, proxy: { mode: 'none' } }, key: 'sk-speech-0123456789abcdef' })
  await chat.call('settings.update', { voice: { sttEngine: 'openai', sttOpenaiProvider: 'speech' } })
})
afterAll(async () => {
  await chat.close()
  await audio.close()
  removeTempDirs()
})

describe('a dictated prompt runs the same hooks as a typed one', () => {
  it('UserPromptSubmit receives the transcript when the renderer sends it through chat.send', async () => {
    const log = path.join(workspace, 'prompts.log')
    const record = `node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>require('fs').appendFileSync(process.argv[1],JSON.stringify(JSON.parse(s))+'\\n'))" ${JSON.stringify(log)}`
    await chat.call('hooks.save', { source: 'user', hooks: { UserPromptSubmit: [{ hooks: [{ type: 'command', command: record, timeout: 60 }] }] } })

    // Dictate the spoken fixture as the chat input would.
    const wav = decodeWav(fs.readFileSync(voiceFixtures().speech16k))
    const { id } = await chat.call('voice.dictation.start', { sampleRate: wav.sampleRate })
    for (const frame of captureFrames(float32ToPcm16(wav.samples), wav.sampleRate)) await chat.call('voice.dictation.push', { id, pcm: frame.toString('base64') })
    const { text } = await chat.call('voice.dictation.stop', { id })
    expect(text).toBe(SENTENCE)
    expect(decodeWav(audio.transcriptions.at(-1)?.file ?? Buffer.alloc(0)).samples.length).toBe(wav.samples.length)

    const { result } = await chat.send({ text, target: chat.target, workspace })
    expect(result.ok).toBe(true)
    const payloads = fs.readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(payloads).toEqual([expect.objectContaining({ hook_event_name: 'UserPromptSubmit', prompt: SENTENCE, cwd: workspace })])
  }, 60_000)
})
