import { waitFor } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { fakeApi } from '../../../test/fake-api'
import { installFakeMicrophone, speechLike, type FakeMicrophone } from '../../../test/fake-microphone'
import { initialState } from '../../../test/render'
import { useAppStore } from '../../store/app-store'
import { insertAtCursor, useDictation } from './dictation'

let mic: FakeMicrophone

const setup = (mode?: 'push-to-talk' | 'hands-free') => {
  const fake = fakeApi()
  useAppStore.setState({ ...initialState, settings: fake.settings(), info: { ...initialState.info!, platform: 'linux' } as never, transport: 'electron' }, true)
  const heard: string[] = []
  const start = () => useDictation.getState().start(fake.api, { onText: (text) => heard.push(text), ...(mode ? { mode } : {}) })
  return { ...fake, heard, start }
}

beforeEach(() => {
  mic = installFakeMicrophone()
})
afterEach(() => {
  useDictation.getState().cancel()
  useDictation.setState({ notice: undefined })
  mic.restore()
})

describe('dictation', () => {
  it('sends the microphone to the core as 16 kHz Int16 chunks every ~150 ms, then hands over the transcript', async () => {
    const { start, voice, heard, calls } = setup()
    await start()
    // happy-dom has no AudioWorklet: the ScriptProcessor path reads the microphone.
    expect(useDictation.getState()).toMatchObject({ phase: 'listening', capture: 'script-processor' })
    expect(mic.constraints[0]).toMatchObject({ audio: { echoCancellation: true, noiseSuppression: true } })
    expect(voice.world.started[0]!.sampleRate).toBe(16_000)
    const audio = speechLike(1, 48_000)
    mic.feed(audio.subarray(0, 24_000))
    await waitFor(() => expect(voice.world.chunks['dictation-1']!.length).toBe(1))
    expect(useDictation.getState().level).toBeGreaterThan(0.5)
    mic.feed(audio.subarray(24_000))
    await useDictation.getState().stop()
    const chunks = voice.world.chunks['dictation-1']!
    expect(chunks.length).toBeGreaterThanOrEqual(2)
    // 1 s at 48 kHz is 16 000 samples at 16 kHz (give or take the last one the resampler holds back).
    expect(Math.abs(chunks.reduce((n, c) => n + c.length, 0) - 16_000)).toBeLessThanOrEqual(2)
    const peak = Math.max(...chunks.flatMap((c) => [...c]))
    expect(peak).toBeGreaterThan(10_000)
    expect(heard).toEqual(['hello from the microphone'])
    expect(calls.map((c) => c.route).filter((r) => r.startsWith('voice.dictation')).at(-1)).toBe('voice.dictation.stop')
    expect(useDictation.getState().phase).toBe('idle')
    expect(mic.stoppedTracks).toBe(1)
    expect(mic.closedContexts).toBe(1)
  })

  it('shows the partial transcript the core sends while listening', async () => {
    const { start, voice } = setup()
    voice.world.partial = 'hello from'
    await start()
    mic.feed(speechLike(0.3, 48_000))
    await waitFor(() => expect(useDictation.getState().partial).toBe('hello from'))
    voice.partial('dictation-1', 'hello from the')
    expect(useDictation.getState().partial).toBe('hello from the')
    voice.partial('another-session', 'not mine')
    expect(useDictation.getState().partial).toBe('hello from the')
  })

  it('hands-free: the pause after speech ends the utterance by itself', async () => {
    const { start, voice, heard } = setup('hands-free')
    await start()
    expect(voice.world.started[0]!.mode).toBe('hands-free')
    mic.feed(speechLike(0.5, 48_000))
    voice.vad('dictation-1', true)
    expect(useDictation.getState().speaking).toBe(true)
    voice.vad('dictation-1', false)
    await waitFor(() => expect(heard).toEqual(['hello from the microphone']))
    expect(useDictation.getState().phase).toBe('idle')
  })

  it('push-to-talk ignores the pause: only the user ends it', async () => {
    const { start, voice, heard } = setup('push-to-talk')
    await start()
    voice.vad('dictation-1', true)
    voice.vad('dictation-1', false)
    // Only a check that nothing ends it: a slow machine can make it pass early, never fail.
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(useDictation.getState().phase).toBe('listening')
    expect(heard).toEqual([])
  })

  it('says when nothing was heard instead of inserting an empty string', async () => {
    const { start, voice, heard } = setup()
    voice.world.transcript = '  '
    await start()
    await useDictation.getState().stop()
    expect(heard).toEqual([])
    expect(useDictation.getState().notice?.message).toBe('No words were heard.')
  })

  it('reports an engine that is not available with its reason, and lets go of the microphone', async () => {
    const { start, voice } = setup()
    voice.world.failing['voice.dictation.start'] = { code: 'E_CONFIG', message: 'No OpenAI provider is set up for voice.', hint: 'Add OpenAI in Providers & Health, then pick it in Settings → Voice.', retryable: false }
    await start()
    expect(useDictation.getState()).toMatchObject({ phase: 'idle', notice: { message: 'No OpenAI provider is set up for voice.', hint: 'Add OpenAI in Providers & Health, then pick it in Settings → Voice.' } })
    expect(mic.stoppedTracks).toBe(1)
  })

  it('stops by itself just before the time limit of the core and keeps what was said', async () => {
    const { start, voice, heard } = setup()
    voice.world.maxSessionMs = 2_000
    await start()
    mic.feed(speechLike(0.6, 48_000))
    // The first 0.6 s went out (still under the limit), and dictation goes on.
    await waitFor(() => expect(voice.world.chunks['dictation-1']?.length).toBeGreaterThan(0))
    expect(useDictation.getState().phase).toBe('listening')
    mic.feed(speechLike(0.6, 48_000))
    await waitFor(() => expect(heard).toEqual(['hello from the microphone']))
    expect(useDictation.getState()).toMatchObject({ phase: 'idle', notice: { message: 'Dictation stopped at its 2 s limit.' } })
    expect(voice.world.chunks['dictation-1']!.reduce((n, c) => n + c.length, 0)).toBeLessThan(2 * 16_000)
  })

  it('a push the core refuses ends the dictation with its message', async () => {
    const { start, voice } = setup()
    await start()
    voice.world.failing['voice.dictation.push'] = { code: 'E_PAYLOAD_TOO_LARGE', message: 'A dictation can last 300 s at most.', retryable: false }
    mic.feed(speechLike(0.2, 48_000))
    await waitFor(() => expect(useDictation.getState().notice?.message).toBe('A dictation can last 300 s at most.'))
    expect(useDictation.getState().phase).toBe('idle')
  })
})

describe('microphone permission', () => {
  const denied = async (platform: string, transport: 'electron' | 'web') => {
    mic.restore()
    mic = installFakeMicrophone({ deny: 'NotAllowedError' })
    const { start } = setup()
    useAppStore.setState({ info: { ...useAppStore.getState().info!, platform }, transport })
    await start()
    return useDictation.getState().notice
  }

  it('explains where to allow it on macOS, Windows, Linux and in a browser', async () => {
    expect(await denied('darwin', 'electron')).toEqual({ message: 'Microphone access was refused.', hint: expect.stringContaining('System Settings → Privacy & Security → Microphone') as string })
    expect((await denied('win32', 'electron'))?.hint).toContain('Settings → Privacy & security → Microphone')
    expect((await denied('linux', 'electron'))?.hint).toContain('PipeWire or PulseAudio')
    expect((await denied('darwin', 'web'))?.hint).toContain('address bar')
    expect(useDictation.getState().phase).toBe('idle')
  })

  it('says when there is no microphone at all', async () => {
    mic.restore()
    mic = installFakeMicrophone({ deny: 'NotFoundError' })
    const { start, calls } = setup()
    await start()
    expect(useDictation.getState().notice?.message).toBe('No microphone was found.')
    expect(calls.some((c) => c.route === 'voice.dictation.start')).toBe(false)
  })
})

describe('inserting at the cursor', () => {
  it('keeps what was typed on both sides and spaces the words', () => {
    expect(insertAtCursor('Dear team,', 'thanks', 10)).toEqual({ text: 'Dear team, thanks', cursor: 17 })
    expect(insertAtCursor('one three', 'two', 4)).toEqual({ text: 'one two three', cursor: 8 })
    expect(insertAtCursor('', 'hello', 0)).toEqual({ text: 'hello', cursor: 5 })
    expect(insertAtCursor('end', 'start', 0)).toEqual({ text: 'start end', cursor: 6 })
  })
})
