import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { startOpenAiAudioFake, type OpenAiAudioFake } from '../test/support/fakes/openai-audio.ts'
import { SENTENCE, voiceFixtures } from '../test/support/voice/fixtures.ts'
import { eventually, goTo, openAppWithFakes, sectionTitled, shoot, type Companion, type OpenAppWithFakes, type ProviderFakes } from './harness.ts'

/**
 * Dictation in the web companion against the real core, with Chromium's fake microphone playing
 * a sentence spoken by espeak-ng. No speech model exists here, so the core transcribes with its
 * OpenAI engine against the loopback fake of OpenAI's audio API; the chat reply comes from the
 * Ollama fake.
 */
let app: OpenAppWithFakes
let companion: Companion
let fakes: ProviderFakes
let audio: OpenAiAudioFake
let page: Page
let micWav: string
/** Console errors and uncaught page errors: the capture worklet must load within the CSP. */
const pageErrors: string[] = []
/** Folders made for the test, removed afterwards. */
const tempDirs: string[] = []

const messages = () => page.getByRole('log', { name: 'Messages' })

/** Duration and RMS (dBFS) of a 16-bit PCM WAV. */
function wavStats(bytes: Buffer): { sampleRate: number; seconds: number; rmsDb: number } {
  assert.equal(bytes.subarray(0, 4).toString('latin1'), 'RIFF')
  assert.equal(bytes.subarray(8, 12).toString('latin1'), 'WAVE')
  const sampleRate = bytes.readUInt32LE(24)
  const data = bytes.indexOf('data', 12, 'latin1')
  const samples = (bytes.length - data - 8) >> 1
  let sum = 0
  for (let i = 0; i < samples; i++) sum += (bytes.readInt16LE(data + 8 + i * 2) / 32768) ** 2
  return { sampleRate, seconds: samples / sampleRate, rmsDb: 10 * Math.log10(sum / Math.max(1, samples)) }
}

before(async () => {
  // The sentence at 48 kHz with a little silence around it; Chromium loops the file.
  const fixtures = voiceFixtures()
  micWav = path.join(fixtures.dir, 'fake-mic.wav')
  execFileSync('sox', [fixtures.speech16k, '-r', '48000', micWav, 'pad', '0.3', '1.2'])
  audio = await startOpenAiAudioFake()
  audio.transcript = SENTENCE
  app = await openAppWithFakes({
    // A prompt hook that keeps what it was given: a dictated prompt must reach it like a typed one.
    beforeBrowser: ({ dataDir }) => {
      const hookOut = path.join(dataDir, 'prompt-hook.json')
      fs.writeFileSync(path.join(dataDir, 'agent-settings.json'), JSON.stringify({ hooks: { UserPromptSubmit: [{ hooks: [{ type: 'command', command: `cat > '${hookOut}'` }] }] } }))
    },
    browserArgs: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${micWav}`],
    onPage: (tab) => {
      tab.on('console', (message) => message.type() === 'error' && pageErrors.push(message.text()))
      tab.on('pageerror', (error) => pageErrors.push(error.message))
    },
  })
  ;({ companion, fakes, page } = app)
})

after(async () => {
  await app?.close()
  await audio?.close()
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true })
})

describe('voice', () => {
  test('Settings → Voice: OpenAI transcription through a configured provider', async () => {
    await goTo(page, 'Providers & Health')
    await page.getByLabel('Add a provider').selectOption({ label: 'OpenAI' })
    await page.getByRole('button', { name: 'Add provider' }).click()
    await page.getByLabel('Base URL').fill(audio.url)
    await page.getByLabel('Base URL').blur()
    await page.getByLabel('API key').fill('sk-e2e-voice-key-0123456789abcd')
    await page.getByRole('button', { name: 'Save', exact: true }).click()
    await page.getByText('Key set · …abcd').waitFor()

    await goTo(page, 'Settings')
    const section = sectionTitled(page, 'Dictation and read aloud')
    await section.scrollIntoViewIfNeeded()
    // The local engine has no model here, and says why.
    await section.getByRole('note').waitFor()
    await section.getByLabel('Speech-to-text engine').selectOption('openai')
    await section.getByLabel('Transcription provider').waitFor()
    await section.getByLabel('OpenAI transcription model').waitFor()
    await eventually(async () => (await section.getByRole('note').count()) === 0, 'OpenAI dictation is available once a provider is set up')
    await section.getByRole('list', { name: 'Local speech models' }).waitFor()

    // A Whisper folder the user already has (files with valid ONNX headers) is imported through the real core.
    const form = section.getByRole('form', { name: 'Use a model folder' })
    await form.getByLabel('Folder or .tar.bz2 archive (full path)').fill('models/whisper')
    await form.getByRole('button', { name: 'Import' }).click()
    await form.getByRole('alert').getByText('is not a full path').waitFor()
    await form.getByLabel('Folder or .tar.bz2 archive (full path)').fill(whisperFolder())
    await form.getByRole('button', { name: 'Import' }).click()
    await form.getByRole('status').getByText('Imported sherpa-onnx-whisper-tiny.en').waitFor()
    const imported = section.getByRole('listitem', { name: 'sherpa-onnx-whisper-tiny.en' })
    await imported.getByText('From a folder').waitFor()
    await imported.getByRole('button', { name: 'Use for dictation' }).waitFor()
    // Tall enough for the whole section in one picture.
    await page.setViewportSize({ width: 1280, height: 2300 })
    await shoot(section, 'settings-voice')
    await page.setViewportSize({ width: 1280, height: 900 })
  })

  test('dictates into the chat with the fake microphone and sends the transcript', async () => {
    await goTo(page, 'Chat')
    await page.getByRole('button', { name: /^Model: / }).click()
    await page.getByRole('combobox', { name: 'Search models' }).or(page.getByRole('textbox', { name: 'Search models' })).fill('llama3.2')
    await page.getByRole('listbox', { name: 'Models' }).getByRole('option', { name: /llama3\.2/ }).first().click()
    const box = page.getByRole('textbox', { name: 'Message' })
    await box.fill('Please answer:')

    await page.getByRole('button', { name: 'Dictate' }).click()
    const meter = page.getByRole('meter', { name: 'Microphone level' })
    await meter.waitFor()
    await eventually(async () => Number(await meter.getAttribute('aria-valuenow')) > 20, 'the level meter moves with the speech')
    await page.getByRole('status', { name: 'Dictation' }).getByText(/Listening/).waitFor()
    // The AudioWorklet (served from the app itself, as the CSP wants) reads the microphone.
    assert.equal(await page.locator('.dictation').getAttribute('data-capture'), 'worklet')
    await shoot(page, 'voice-dictation')
    // Let the whole sentence play once (≈ 2.4 s with its padding).
    await page.waitForTimeout(2_800)
    await page.getByRole('button', { name: 'Stop dictation' }).click()
    await eventually(async () => (await box.inputValue()) === `Please answer: ${SENTENCE}`, 'the transcript is added after the typed text')

    // What the core uploaded is the microphone's audio: a 16 kHz WAV of speech, not silence.
    assert.equal(audio.transcriptions.length, 1)
    const upload = audio.transcriptions[0]!
    assert.equal(upload.model, 'gpt-4o-mini-transcribe')
    assert.equal(upload.fileType, 'audio/wav')
    const stats = wavStats(upload.file)
    assert.equal(stats.sampleRate, 16_000)
    assert.ok(stats.seconds > 2 && stats.seconds < 6, `uploaded ${stats.seconds.toFixed(2)} s`)
    assert.ok(stats.rmsDb > -40, `the upload is speech, not silence (${stats.rmsDb.toFixed(1)} dBFS)`)

    await fakes.control({ target: 'ollama', script: [{ text: ['Heard you: ', 'a dictation test.'] }] })
    await page.getByRole('button', { name: 'Send' }).click()
    await messages().getByText(`Please answer: ${SENTENCE}`).waitFor()
    await messages().getByText('Heard you: a dictation test.').waitFor()
    await eventually(() => Promise.resolve(fs.existsSync(path.join(companion.dataDir, 'prompt-hook.json'))), 'the prompt hook ran')
    const hook = JSON.parse(fs.readFileSync(path.join(companion.dataDir, 'prompt-hook.json'), 'utf8')) as { hook_event_name: string; prompt: string }
    assert.equal(hook.hook_event_name, 'UserPromptSubmit')
    assert.equal(hook.prompt, `Please answer: ${SENTENCE}`)
    await shoot(page, 'voice-sent')
    assert.deepEqual(pageErrors.filter((text) => /Content Security Policy|worklet|AudioContext/i.test(text)), [])
  })
})

/** A sherpa-onnx Whisper folder made of small files with valid ONNX headers (no real weights). */
function whisperFolder(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-voice-model-'))
  tempDirs.push(root)
  const dir = path.join(root, 'sherpa-onnx-whisper-tiny.en')
  fs.mkdirSync(dir)
  const onnx = (size: number): Buffer => Buffer.concat([Buffer.from([0x08, 0x07, 0x3a, 0x80 | (size & 0x7f), size >> 7]), Buffer.alloc(size, 7)])
  fs.writeFileSync(path.join(dir, 'tiny.en-encoder.int8.onnx'), onnx(9000))
  fs.writeFileSync(path.join(dir, 'tiny.en-decoder.int8.onnx'), onnx(6000))
  fs.writeFileSync(path.join(dir, 'tiny.en-tokens.txt'), 'a 0\nb 1\n')
  return dir
}
