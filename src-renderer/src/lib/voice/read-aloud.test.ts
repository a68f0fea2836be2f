import { waitFor } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { fakeApi } from '../../../test/fake-api'
import { installFakeMicrophone, type FakeMicrophone } from '../../../test/fake-microphone'
import { initialState } from '../../../test/render'
import { useAppStore } from '../../store/app-store'
import { useDictation } from './dictation'
import { speakable, useReadAloud } from './read-aloud'

class Utterance {
  rate = 1
  voice: unknown = null
  onend: (() => void) | null = null
  onerror: (() => void) | null = null
  constructor(readonly text: string) {}
}

let synth: { speak: ReturnType<typeof vi.fn>; cancel: ReturnType<typeof vi.fn>; getVoices: () => { name: string }[] }
let mic: FakeMicrophone

const setup = (voice: Record<string, unknown> = {}) => {
  const fake = fakeApi()
  const settings = fake.settings()
  useAppStore.setState({ ...initialState, settings: { ...settings, voice: { ...settings.voice, ...voice } } }, true)
  return fake
}

beforeEach(() => {
  synth = { speak: vi.fn(), cancel: vi.fn(), getVoices: () => [{ name: 'Daniel' }, { name: 'Karen' }] }
  vi.stubGlobal('speechSynthesis', synth)
  vi.stubGlobal('SpeechSynthesisUtterance', Utterance)
  mic = installFakeMicrophone()
})
afterEach(() => {
  useReadAloud.getState().stop()
  useDictation.getState().cancel()
  vi.unstubAllGlobals()
})

describe('read-aloud', () => {
  it('speaks a reply with the chosen system voice and rate, without Markdown marks or code', async () => {
    const { api } = setup({ ttsVoice: 'Karen', ttsRate: 1.5 })
    await useReadAloud.getState().read(api, 'm1', '**Sure.** Run `ls`:\n\n```sh\nls -la\n```\nDone.')
    const utterance = synth.speak.mock.calls[0]![0] as Utterance
    expect(utterance.text).toBe('Sure. Run ls: (code) Done.')
    expect(utterance.rate).toBe(1.5)
    expect(utterance.voice).toEqual({ name: 'Karen' })
    expect(useReadAloud.getState().reading).toBe('m1')
    utterance.onend?.()
    expect(useReadAloud.getState().reading).toBeUndefined()
  })

  it('stops as soon as the user starts dictating', async () => {
    const { api } = setup()
    await useReadAloud.getState().read(api, 'm1', 'A long answer')
    await useDictation.getState().start(api, { onText: () => undefined })
    expect(synth.cancel).toHaveBeenCalled()
    expect(useReadAloud.getState().reading).toBeUndefined()
  })

  it('stops when the core hears speech, unless the user turned that off', async () => {
    const { api, voice } = setup()
    await useDictation.getState().start(api, { onText: () => undefined })
    await useReadAloud.getState().read(api, 'm1', 'A long answer')
    voice.vad('dictation-1', true)
    expect(useReadAloud.getState().reading).toBeUndefined()

    voice.vad('dictation-1', false)
    useAppStore.setState({ settings: { ...useAppStore.getState().settings!, voice: { ...useAppStore.getState().settings!.voice, ttsStopOnSpeech: false } } })
    await useReadAloud.getState().read(api, 'm2', 'Another answer')
    voice.vad('dictation-1', true)
    expect(useReadAloud.getState().reading).toBe('m2')
  })

  it('plays local and OpenAI voices from the audio the core synthesizes', async () => {
    const { api, voice } = setup({ ttsEngine: 'local' })
    await useReadAloud.getState().read(api, 'm1', 'Hello *there*')
    expect(voice.world.spoken).toEqual(['Hello there'])
    await waitFor(() => expect(mic.played).toEqual([4]))
    expect(synth.speak).not.toHaveBeenCalled()
    expect(useReadAloud.getState().reading).toBe('m1')
    mic.playing[0]!.end()
    expect(useReadAloud.getState().reading).toBeUndefined()

    await useReadAloud.getState().read(api, 'm2', 'Again')
    await waitFor(() => expect(mic.played).toHaveLength(2))
    useReadAloud.getState().stop()
    expect(mic.playing[1]!.stopped).toBe(true)
    expect(useReadAloud.getState().reading).toBeUndefined()
  })

  it('says what went wrong when the core cannot speak', async () => {
    const { api, voice } = setup({ ttsEngine: 'openai' })
    voice.world.failing['voice.speak'] = { code: 'E_CONFIG', message: 'OpenAI needs an API key for voice.', retryable: false }
    await useReadAloud.getState().read(api, 'm1', 'Hello')
    expect(useAppStore.getState().notices.at(-1)?.message).toBe('OpenAI needs an API key for voice.')
    expect(useReadAloud.getState().reading).toBeUndefined()
  })

  it('reads nothing for a reply that is only code', () => {
    expect(speakable('```\nx\n```')).toBe('(code)')
    expect(speakable('   ')).toBe('')
  })
})
