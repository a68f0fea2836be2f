import { act, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { voiceModel } from '../../../test/fake-voice'
import { openSettingsSection } from '../../../test/settings-section'

const openVoice = async (prepare?: Parameters<typeof openSettingsSection>[2]) => {
  const opened = await openSettingsSection('Dictation and read aloud', {}, prepare)
  await opened.section.findByRole('list', { name: 'Local speech models' })
  return opened
}

afterEach(() => vi.unstubAllGlobals())

describe('Settings → Voice', () => {
  it('asks before downloading a model, with its size, then shows progress and can cancel', async () => {
    const { section, voice, calls } = await openVoice()
    const row = within(section.getByRole('listitem', { name: 'Whisper tiny (English)' }))
    expect(row.getByText(/40 MB · en · licence MIT/)).toBeTruthy()
    await userEvent.click(row.getByRole('button', { name: 'Download…' }))
    const consent = row.getByRole('dialog', { name: 'Download Whisper tiny (English)?' })
    expect(consent.textContent).toContain('(40 MB) from models.example')
    expect(consent.textContent).toContain('sha256')
    expect(calls.some((c) => c.route === 'voice.models.download')).toBe(false)
    await userEvent.click(within(consent).getByRole('button', { name: 'Not now' }))
    expect(calls.some((c) => c.route === 'voice.models.download')).toBe(false)

    await userEvent.click(row.getByRole('button', { name: 'Download…' }))
    await userEvent.click(row.getByRole('button', { name: 'Download 40 MB' }))
    expect(calls.find((c) => c.route === 'voice.models.download')?.input).toEqual({ id: 'whisper-tiny-en', consent: true })
    act(() => voice.world.downloads[0]!.progress(10 * 1024 * 1024))
    expect(row.getByRole('progressbar', { name: 'Downloading Whisper tiny (English)' }).getAttribute('aria-valuenow')).toBe('25')
    expect(row.getByText(/10 MB of 40 MB/)).toBeTruthy()
    await userEvent.click(row.getByRole('button', { name: 'Cancel' }))
    expect(voice.world.downloads[0]!.cancelled).toBe(true)
    expect((await row.findByRole('alert')).textContent).toBe('Download cancelled; nothing was installed.')
    expect(row.queryByRole('progressbar')).toBeNull()
    expect(row.queryByText('Installed')).toBeNull()
  })

  it('installs a finished download and removes it again', async () => {
    const { section, voice } = await openVoice()
    const row = within(section.getByRole('listitem', { name: 'Whisper tiny (English)' }))
    await userEvent.click(row.getByRole('button', { name: 'Download…' }))
    await userEvent.click(row.getByRole('button', { name: 'Download 40 MB' }))
    act(() => voice.world.downloads[0]!.finish())
    await row.findByText('Installed')
    await userEvent.click(row.getByRole('button', { name: 'Remove' }))
    await waitFor(() => expect(row.queryByText('Installed')).toBeNull())
    expect(voice.world.models[0]!.installed).toBe(false)
  })

  it('shows why a model cannot be downloaded instead of a button', async () => {
    const { section } = await openVoice(({ voice }) => {
      voice.world.models.push(voiceModel({ id: 'silero-vad', name: 'Silero VAD', kind: 'vad', downloadable: false, reason: 'Its checksum is not known yet, so it cannot be verified.' }))
    })
    const row = within(section.getByRole('listitem', { name: 'Silero VAD' }))
    expect(row.getByText('Its checksum is not known yet, so it cannot be verified.')).toBeTruthy()
    expect(row.queryByRole('button', { name: 'Download…' })).toBeNull()
  })

  it('switches dictation to OpenAI, shows why it is unavailable, and saves the model name from a text field', async () => {
    const { section, voice, settings } = await openVoice(({ voice }) => {
      voice.world.status.stt.openai = { available: false, reason: 'No OpenAI provider is set up for voice.' }
    })
    expect(voice.world.status.stt.local.available).toBe(true)
    await userEvent.selectOptions(section.getByRole('combobox', { name: 'Speech-to-text engine' }), 'openai')
    await waitFor(() => expect(settings().voice.sttEngine).toBe('openai'))
    expect((await section.findByRole('note')).textContent).toBe('Not available: No OpenAI provider is set up for voice.')
    const model = section.getByRole('textbox', { name: 'OpenAI transcription model' })
    await userEvent.clear(model)
    await userEvent.type(model, 'whisper-1')
    expect(settings().voice.sttOpenaiModel).toBe('gpt-4o-mini-transcribe')
    await userEvent.tab()
    await waitFor(() => expect(settings().voice.sttOpenaiModel).toBe('whisper-1'))
    await userEvent.selectOptions(section.getByRole('combobox', { name: 'Mode' }), 'hands-free')
    await waitFor(() => expect(settings().voice.sttMode).toBe('hands-free'))
  })

  it('lists the system voices, saves the choice, auto-read, and tests the voice', async () => {
    const speak = vi.fn()
    vi.stubGlobal('speechSynthesis', { speak, cancel: vi.fn(), getVoices: () => [{ name: 'Karen', lang: 'en-AU' }, { name: 'Daniel', lang: 'en-GB' }], addEventListener: vi.fn(), removeEventListener: vi.fn() })
    vi.stubGlobal('SpeechSynthesisUtterance', class { voice: unknown = null; constructor(readonly text: string) {} })
    const { section, settings } = await openVoice()
    await userEvent.selectOptions(section.getByRole('combobox', { name: 'Voice' }), 'Daniel')
    await waitFor(() => expect(settings().voice.ttsVoice).toBe('Daniel'))
    await userEvent.click(section.getByRole('switch', { name: 'Read each reply aloud when it finishes' }))
    await waitFor(() => expect(settings().voice.ttsAutoRead).toBe(true))
    await userEvent.click(section.getByRole('button', { name: 'Test voice' }))
    const utterance = speak.mock.calls[0]![0] as { text: string; voice: unknown }
    expect(utterance.text).toBe('Hello! This is how replies will sound.')
    expect(utterance.voice).toEqual({ name: 'Daniel', lang: 'en-GB' })
  })

  it('offers OpenAI voices and its speech model when OpenAI reads aloud', async () => {
    const { section, settings } = await openVoice()
    await userEvent.selectOptions(section.getByRole('combobox', { name: 'Voice engine' }), 'openai')
    await waitFor(() => expect(settings().voice.ttsEngine).toBe('openai'))
    await userEvent.selectOptions(section.getByRole('combobox', { name: 'Voice' }), 'nova')
    await waitFor(() => expect(settings().voice.ttsOpenaiVoice).toBe('nova'))
    expect(section.getByRole('textbox', { name: 'OpenAI speech model' })).toHaveProperty('value', 'gpt-4o-mini-tts')
  })
})
