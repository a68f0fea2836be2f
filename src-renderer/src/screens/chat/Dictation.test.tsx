import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { FakeApiOptions } from '../../../test/fake-api'
import { installFakeMicrophone, speechLike, type FakeMicrophone } from '../../../test/fake-microphone'
import { modelInfo, providerView, storedReply } from '../../../test/fake-providers'
import { renderAt } from '../../../test/render'
import { updateSettings } from '../../store/bootstrap'
import { makeMessages, makeSession, sessionId } from '../../../test/session-fixtures'
import { useDictation } from '../../lib/voice/dictation'
import { useReadAloud } from '../../lib/voice/read-aloud'
import { AUTO, useChatPrefs } from './chat-prefs'
import { useReplies } from './reply-store'

const id = sessionId(0)
const options: FakeApiOptions = {
  providers: { providers: [providerView('ollama', 'ollama', { name: 'Ollama' })], models: [modelInfo('ollama', 'llama3.2')] },
  history: { sessions: [makeSession(0)], messages: { [id]: makeMessages(id, 2) } },
}
let mic: FakeMicrophone

const openChat = async () => {
  const rendered = await renderAt(`#/chat/${id}`, options)
  const log = await screen.findByRole('log', { name: 'Messages' })
  await within(log).findAllByRole('article')
  const box = screen.getByRole('textbox', { name: 'Message' })
  await waitFor(() => expect(box).toHaveProperty('disabled', false))
  return { ...rendered, log, box }
}

beforeEach(() => {
  useReplies.setState({ replies: {}, attempts: {} })
  useChatPrefs.setState({ target: AUTO })
  mic = installFakeMicrophone()
})
afterEach(() => {
  useDictation.getState().cancel()
  useDictation.setState({ notice: undefined })
  useReadAloud.getState().stop()
  vi.unstubAllGlobals()
})

describe('Dictation in the composer', () => {
  it('shows the meter and partial while listening, adds the transcript after what was typed, and sends it like typed text', async () => {
    const { box, voice, providers: core } = await openChat()
    voice.world.partial = 'hello from'
    await userEvent.type(box, 'Note:')
    await userEvent.click(screen.getByRole('button', { name: 'Dictate' }))
    await screen.findByRole('button', { name: 'Stop dictation' })
    act(() => mic.feed(speechLike(0.5, 48_000)))
    const status = await screen.findByRole('status', { name: 'Dictation' })
    await waitFor(() => expect(status.textContent).toBe('hello from'))
    await waitFor(() => expect(Number(screen.getByRole('meter', { name: 'Microphone level' }).getAttribute('aria-valuenow'))).toBeGreaterThan(50))
    await userEvent.click(screen.getByRole('button', { name: 'Stop dictation' }))
    await waitFor(() => expect(box).toHaveProperty('value', 'Note: hello from the microphone'))
    expect(screen.queryByRole('meter')).toBeNull()
    await userEvent.type(box, '{Enter}')
    expect(core.sent()).toEqual([{ sessionId: id, text: 'Note: hello from the microphone', target: { auto: true } }])
  })

  it('push-to-talk with Ctrl+Space held down', async () => {
    const { box, voice } = await openChat()
    fireEvent.keyDown(window, { code: 'Space', key: ' ', ctrlKey: true })
    await screen.findByRole('button', { name: 'Stop dictation' })
    act(() => mic.feed(speechLike(0.3, 48_000)))
    fireEvent.keyUp(window, { code: 'Space', key: ' ', ctrlKey: true })
    await waitFor(() => expect(box).toHaveProperty('value', 'hello from the microphone'))
    expect(voice.world.started[0]!.mode).toBe('push-to-talk')
  })

  it('explains a refused microphone where the user types', async () => {
    mic.restore()
    mic = installFakeMicrophone({ deny: 'NotAllowedError' })
    await openChat()
    await userEvent.click(screen.getByRole('button', { name: 'Dictate' }))
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('Microphone access was refused.')
    // The test app runs as the web companion: the browser's site permission is the place.
    expect(alert.textContent).toContain('address bar')
    await userEvent.click(within(alert).getByRole('button', { name: 'Dismiss' }))
    expect(screen.queryByText('Microphone access was refused.')).toBeNull()
  })
})

describe('Read aloud on replies', () => {
  it('reads an assistant message with the system voice and stops on a second click', async () => {
    const speak = vi.fn()
    const cancel = vi.fn()
    vi.stubGlobal('speechSynthesis', { speak, cancel, getVoices: () => [] })
    vi.stubGlobal('SpeechSynthesisUtterance', class { constructor(readonly text: string) {} })
    const { log } = await openChat()
    const buttons = within(log).getAllByRole('button', { name: 'Read aloud' })
    expect(buttons.length).toBeGreaterThan(0)
    const reply = buttons[0]!.closest('article')!
    expect(reply.textContent).toContain('Assistant')
    await userEvent.click(buttons[0]!)
    expect((speak.mock.calls[0]![0] as { text: string }).text.length).toBeGreaterThan(0)
    await userEvent.click(within(reply).getByRole('button', { name: 'Stop reading' }))
    expect(cancel).toHaveBeenCalled()
    expect(within(reply).getByRole('button', { name: 'Read aloud' })).toBeTruthy()
  })

  it('reads each finished reply when auto-read is on, and not while it streams', async () => {
    const speak = vi.fn()
    vi.stubGlobal('speechSynthesis', { speak, cancel: vi.fn(), getVoices: () => [] })
    vi.stubGlobal('SpeechSynthesisUtterance', class { constructor(readonly text: string) {} })
    const { box, api, providers: core } = await openChat()
    await updateSettings(api, { voice: { ttsAutoRead: true } })
    await userEvent.type(box, 'Hi{Enter}')
    await waitFor(() => core.push({ type: 'started', sessionId: id, userMessageId: 'u1', assistantMessageId: 'a1' }))
    act(() => core.push({ type: 'text', text: 'Hello **there**' }))
    expect(speak).not.toHaveBeenCalled()
    act(() => core.finish({ sessionId: id, message: storedReply(id, 'a1', { parentId: 'u1', text: 'Hello **there**' }), attempts: [] }))
    await waitFor(() => expect(speak).toHaveBeenCalledTimes(1))
    expect((speak.mock.calls[0]![0] as { text: string }).text).toBe('Hello there')
    expect(useReadAloud.getState().reading).toBe('a1')
  })
})
