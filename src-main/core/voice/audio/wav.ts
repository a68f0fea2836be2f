import { AppError } from '../../errors'

/** RIFF WAVE read/write: PCM 8/16/24/32-bit and IEEE float32, any channel count, read as mono. */

export interface DecodedWav {
  samples: Float32Array
  sampleRate: number
  /** Channels in the file (the samples are their average). */
  channels: number
}

const invalid = (detail: string): AppError =>
  new AppError('E_VALIDATION', `This is not a WAV file Ollama Desk can read (${detail}).`, { hint: 'Use 16-bit PCM or 32-bit float WAV.' })

const PCM = 1
const FLOAT = 3
const EXTENSIBLE = 0xfffe

export function decodeWav(bytes: Uint8Array): DecodedWav {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const tag = (at: number): string => String.fromCharCode(...bytes.subarray(at, at + 4))
  if (bytes.byteLength < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw invalid('no RIFF/WAVE header')
  let format: { code: number; channels: number; sampleRate: number; bits: number } | undefined
  let offset = 12
  while (offset + 8 <= bytes.byteLength) {
    const id = tag(offset)
    const size = view.getUint32(offset + 4, true)
    const body = offset + 8
    if (id === 'fmt ') {
      if (size < 16) throw invalid('short fmt chunk')
      let code = view.getUint16(body, true)
      // WAVE_FORMAT_EXTENSIBLE keeps the real format in the first two bytes of its sub-format GUID.
      if (code === EXTENSIBLE && size >= 26) code = view.getUint16(body + 24, true)
      format = { code, channels: view.getUint16(body + 2, true), sampleRate: view.getUint32(body + 4, true), bits: view.getUint16(body + 14, true) }
    } else if (id === 'data') {
      if (!format) throw invalid('data before fmt')
      // Streams written live often carry a placeholder size; read what is there.
      const end = Math.min(bytes.byteLength, size === 0xffffffff || size === 0 ? bytes.byteLength : body + size)
      return { samples: toMono(view, body, end, format), sampleRate: format.sampleRate, channels: format.channels }
    }
    offset = body + size + (size & 1)
  }
  throw invalid('no data chunk')
}

function toMono(view: DataView, start: number, end: number, format: { code: number; channels: number; sampleRate: number; bits: number }): Float32Array {
  const { code, channels, bits } = format
  if (channels < 1 || format.sampleRate < 1) throw invalid('no channels or sample rate')
  const read = sampleReader(view, code, bits)
  const width = bits / 8
  const frames = Math.floor((end - start) / (width * channels))
  const out = new Float32Array(frames)
  for (let frame = 0; frame < frames; frame++) {
    let sum = 0
    for (let ch = 0; ch < channels; ch++) sum += read(start + (frame * channels + ch) * width)
    out[frame] = sum / channels
  }
  return out
}

function sampleReader(view: DataView, code: number, bits: number): (at: number) => number {
  if (code === FLOAT && bits === 32) return (at) => view.getFloat32(at, true)
  if (code === FLOAT && bits === 64) return (at) => view.getFloat64(at, true)
  if (code !== PCM) throw invalid(`format ${code}`)
  switch (bits) {
    case 8: return (at) => (view.getUint8(at) - 128) / 128
    case 16: return (at) => view.getInt16(at, true) / 32768
    case 24: return (at) => ((view.getUint8(at) | (view.getUint8(at + 1) << 8) | (view.getInt8(at + 2) << 16)) / 8388608)
    case 32: return (at) => view.getInt32(at, true) / 2147483648
    default: throw invalid(`${bits}-bit PCM`)
  }
}

/** Mono 16-bit PCM WAV: what transcription services accept everywhere. */
export function encodeWav(samples: Float32Array, sampleRate: number): Buffer {
  const data = samples.length * 2
  const out = Buffer.alloc(44 + data)
  out.write('RIFF', 0, 'ascii')
  out.writeUInt32LE(36 + data, 4)
  out.write('WAVEfmt ', 8, 'ascii')
  out.writeUInt32LE(16, 16)
  out.writeUInt16LE(PCM, 20)
  out.writeUInt16LE(1, 22)
  out.writeUInt32LE(sampleRate, 24)
  out.writeUInt32LE(sampleRate * 2, 28)
  out.writeUInt16LE(2, 32)
  out.writeUInt16LE(16, 34)
  out.write('data', 36, 'ascii')
  out.writeUInt32LE(data, 40)
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i] ?? 0))
    out.writeInt16LE(Math.round(s < 0 ? s * 32768 : s * 32767), 44 + i * 2)
  }
  return out
}
