import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/**
 * Speech fixtures generated in the test run with espeak-ng and sox (no audio is checked in):
 * written once per process into a temp dir and reused.
 */
export interface VoiceFixtures {
  /** "hello world, this is a dictation test", 16 kHz mono 16-bit. */
  speech16k: string
  /** The same sentence at 44.1 kHz stereo, to exercise resampling and downmix. */
  speech44kStereo: string
  /** 2 s of digital silence, 16 kHz mono. */
  silence: string
  /** 2 s of white noise at a low level (≈ −50 dBFS), 16 kHz mono. */
  noise: string
  /** Speech, 1.5 s of silence, speech again. */
  speechSilenceSpeech: string
  dir: string
}

export const SENTENCE = 'hello world, this is a dictation test'
let cached: VoiceFixtures | undefined

function need(tool: string): void {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore' })
  } catch {
    throw new Error(`${tool} is not installed: the voice tests generate their audio with espeak-ng and sox. Run the bootstrap (apt-get install -y espeak-ng sox).`)
  }
}

const sox = (...args: string[]): void => void execFileSync('sox', args, { stdio: ['ignore', 'ignore', 'pipe'] })

export function voiceFixtures(): VoiceFixtures {
  if (cached && fs.existsSync(cached.speechSilenceSpeech)) return cached
  need('espeak-ng')
  need('sox')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ollama-desk-voice-fixtures-'))
  const at = (name: string): string => path.join(dir, name)
  execFileSync('espeak-ng', ['-w', at('raw.wav'), SENTENCE], { stdio: ['ignore', 'ignore', 'pipe'] })
  sox(at('raw.wav'), '-r', '16000', '-c', '1', '-b', '16', at('speech16k.wav'))
  sox(at('raw.wav'), '-r', '44100', '-c', '2', '-b', '16', at('speech44k-stereo.wav'))
  sox('-n', '-r', '16000', '-c', '1', '-b', '16', at('silence.wav'), 'trim', '0', '2')
  sox('-n', '-r', '16000', '-c', '1', '-b', '16', at('noise.wav'), 'synth', '2', 'whitenoise', 'vol', '0.005')
  sox(at('speech16k.wav'), at('silence.wav'), at('speech16k.wav'), at('speech-silence-speech.wav'))
  fs.rmSync(at('raw.wav'))
  cached = {
    dir,
    speech16k: at('speech16k.wav'),
    speech44kStereo: at('speech44k-stereo.wav'),
    silence: at('silence.wav'),
    noise: at('noise.wav'),
    speechSilenceSpeech: at('speech-silence-speech.wav'),
  }
  return cached
}

/** Splits PCM16 bytes into capture-sized frames, as a microphone stream would deliver them. */
export function captureFrames(pcm16: Buffer, sampleRate: number, channels = 1, frameMs = 20): Buffer[] {
  const bytes = Math.round((sampleRate * frameMs) / 1000) * 2 * channels
  const frames: Buffer[] = []
  for (let at = 0; at < pcm16.length; at += bytes) frames.push(pcm16.subarray(at, Math.min(pcm16.length, at + bytes)))
  return frames
}
