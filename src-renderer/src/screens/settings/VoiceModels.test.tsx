import { act, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { useAppStore } from '../../store/app-store'
import { voiceModel } from '../../../test/fake-voice'
import { openSettingsSection } from '../../../test/settings-section'

const openVoice = async (prepare?: Parameters<typeof openSettingsSection>[2]) => {
  const opened = await openSettingsSection('Dictation and read aloud', {}, prepare)
  await opened.section.findByRole('list', { name: 'Local speech models' })
  return { ...opened, form: within(opened.section.getByRole('form', { name: 'Use a model folder' })) }
}
const importCalls = (calls: { route: string; input: unknown }[]) => calls.filter((c) => c.route === 'voice.models.import')

describe('Settings → Voice → Use a model folder', () => {
  it('imports a folder: the model is listed with its size, can be used for dictation, and removed', async () => {
    const { section, form, calls, settings } = await openVoice()
    await userEvent.type(form.getByRole('textbox', { name: 'Folder or .tar.bz2 archive (full path)' }), '/home/me/models/sherpa-onnx-whisper-tiny.en')
    expect(form.getByRole('combobox', { name: 'Kind' })).toHaveProperty('value', 'stt')
    await userEvent.click(form.getByRole('button', { name: 'Import' }))
    expect(importCalls(calls).map((c) => c.input)).toEqual([{ path: '/home/me/models/sherpa-onnx-whisper-tiny.en', kind: 'stt' }])
    expect((await form.findByRole('status')).textContent).toBe('Imported sherpa-onnx-whisper-tiny.en (30 MB).')
    expect(form.getByRole('textbox', { name: 'Folder or .tar.bz2 archive (full path)' })).toHaveProperty('value', '')

    const row = within(await section.findByRole('listitem', { name: 'sherpa-onnx-whisper-tiny.en' }))
    expect(row.getByText('From a folder')).toBeTruthy()
    expect(row.getByText(/Imported from \/home\/me\/models\/sherpa-onnx-whisper-tiny\.en · 30 MB · tiny-encoder\.int8\.onnx/)).toBeTruthy()
    await userEvent.click(row.getByRole('button', { name: 'Use for dictation' }))
    await waitFor(() => expect(settings().voice.sttLocalModel).toBe('custom-sherpa-onnx-whisper-tiny.en'))
    await row.findByText('In use')
    expect(row.queryByRole('button', { name: 'Use for dictation' })).toBeNull()

    await userEvent.click(row.getByRole('button', { name: 'Remove' }))
    await waitFor(() => expect(section.queryByRole('listitem', { name: 'sherpa-onnx-whisper-tiny.en' })).toBeNull())
  })

  it('shows the core’s refusal in place, and asks for a path before calling it', async () => {
    const { form, calls, voice } = await openVoice()
    await userEvent.click(form.getByRole('button', { name: 'Import' }))
    expect((await form.findByRole('alert')).textContent).toBe('Type the path of the model folder.')
    expect(importCalls(calls)).toEqual([])

    const field = form.getByRole('textbox', { name: 'Folder or .tar.bz2 archive (full path)' })
    await userEvent.type(field, 'models/whisper')
    await userEvent.click(form.getByRole('button', { name: 'Import' }))
    expect((await form.findByRole('alert')).textContent).toBe('"models/whisper" is not a full path.')
    expect(field).toHaveProperty('value', 'models/whisper')

    voice.world.failing['voice.models.import'] = { code: 'E_VOICE_MODEL_INVALID', message: '/m is not a complete Whisper (speech-to-text) folder: it has no tokens file (*tokens.txt).', hint: 'Pick the folder that holds the model files.', retryable: false }
    await userEvent.clear(field)
    await userEvent.type(field, '/m')
    await userEvent.selectOptions(form.getByRole('combobox', { name: 'Kind' }), 'tts')
    await userEvent.type(form.getByRole('textbox', { name: 'Name (optional)' }), 'Amy')
    await userEvent.click(form.getByRole('button', { name: 'Import' }))
    expect((await form.findByRole('alert')).textContent).toBe('/m is not a complete Whisper (speech-to-text) folder: it has no tokens file (*tokens.txt). Pick the folder that holds the model files.')
    expect(importCalls(calls).at(-1)?.input).toEqual({ path: '/m', kind: 'tts', name: 'Amy' })
  })

  it('refuses a duplicate name with the core’s message', async () => {
    const { form } = await openVoice(({ voice }) => {
      voice.world.models.push(voiceModel({ id: 'custom-mine', name: 'Mine', installed: true, downloadable: false, source: 'imported' }))
    })
    await userEvent.type(form.getByRole('textbox', { name: 'Folder or .tar.bz2 archive (full path)' }), '/models/whisper')
    await userEvent.type(form.getByRole('textbox', { name: 'Name (optional)' }), 'Mine')
    await userEvent.click(form.getByRole('button', { name: 'Import' }))
    expect((await form.findByRole('alert')).textContent).toContain('A model named “Mine” is already imported.')
  })

  it('a catalog model that cannot be downloaded shows its address to copy and points to the folder form with its kind', async () => {
    const { section, form } = await openVoice(({ voice }) => {
      voice.world.models.push(voiceModel({ id: 'silero-vad', name: 'Silero VAD', kind: 'vad', url: 'https://github.com/k2-fsa/sherpa-onnx/releases/download/asr-models/silero_vad.onnx', downloadable: false, reason: 'This build does not pin this model’s checksum yet, so it is not downloaded (it could not be verified).' }))
    })
    const row = within(section.getByRole('listitem', { name: 'Silero VAD' }))
    expect(row.getByText(/does not pin this model’s checksum yet/)).toBeTruthy()
    expect(row.getByText('https://github.com/k2-fsa/sherpa-onnx/releases/download/asr-models/silero_vad.onnx').tagName).toBe('CODE')
    await userEvent.click(row.getByRole('button', { name: 'Use a model folder…' }))
    expect(form.getByRole('combobox', { name: 'Kind' })).toHaveProperty('value', 'vad')
    expect(form.getByText('The folder needs silero_vad.onnx.')).toBeTruthy()
    expect(document.activeElement).toBe(form.getByRole('textbox', { name: 'Folder or .tar.bz2 archive (full path)' }))
  })

  it('says whose computer the path is on', async () => {
    const { form } = await openVoice()
    expect(form.getByText(/a path on the computer running the companion/)).toBeTruthy()
    act(() => useAppStore.getState().setTransport('electron'))
    expect(form.getByText(/This is a path on this computer\./)).toBeTruthy()
  })
})
