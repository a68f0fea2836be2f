/**
 * A streaming windowed-sinc resampler: feed chunks of any size at `from` Hz, get `to` Hz out.
 * State carries across chunks, so chunk boundaries leave no clicks. When downsampling the kernel
 * low-passes at the new Nyquist first, so 44.1 kHz speech does not alias into 16 kHz.
 */
const HALF_TAPS = 16

export class StreamingResampler {
  private readonly step: number
  private readonly cutoff: number
  private readonly half: number
  private buffer = new Float32Array(0)
  /** Absolute input index of buffer[0]. */
  private bufferStart = 0
  /** Absolute input position of the next output sample. */
  private position = 0
  private inputCount = 0

  constructor(readonly from: number, readonly to: number) {
    if (!(from > 0 && to > 0)) throw new RangeError('sample rates must be positive')
    this.step = from / to
    this.cutoff = Math.min(1, to / from)
    this.half = Math.ceil(HALF_TAPS / this.cutoff)
  }

  push(input: Float32Array): Float32Array {
    if (this.from === this.to) return input.slice()
    this.append(input)
    return this.produce(this.inputCount - this.half)
  }

  /** The tail held back for the kernel's look-ahead; call once at the end of the stream. */
  flush(): Float32Array {
    if (this.from === this.to) return new Float32Array(0)
    const end = this.inputCount
    this.append(new Float32Array(this.half))
    return this.produce(end - 1, end)
  }

  private append(input: Float32Array): void {
    const merged = new Float32Array(this.buffer.length + input.length)
    merged.set(this.buffer)
    merged.set(input, this.buffer.length)
    this.buffer = merged
    this.inputCount += input.length
  }

  /** Emits outputs whose centre is ≤ `lastCentre`; `limit` caps centres to real input at flush. */
  private produce(lastCentre: number, limit = Infinity): Float32Array {
    const out: number[] = []
    while (this.position <= lastCentre && this.position < limit) {
      out.push(this.sampleAt(this.position))
      this.position += this.step
    }
    const keepFrom = Math.max(0, Math.floor(this.position) - this.half)
    if (keepFrom > this.bufferStart) {
      this.buffer = this.buffer.slice(keepFrom - this.bufferStart)
      this.bufferStart = keepFrom
    }
    return Float32Array.from(out)
  }

  private sampleAt(centre: number): number {
    const base = Math.floor(centre)
    let sum = 0
    for (let k = base - this.half + 1; k <= base + this.half; k++) {
      const index = k - this.bufferStart
      if (index < 0 || index >= this.buffer.length) continue
      const distance = centre - k
      sum += (this.buffer[index] ?? 0) * this.kernel(distance)
    }
    return sum
  }

  private kernel(distance: number): number {
    const x = distance * this.cutoff
    const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x)
    const w = distance / this.half
    const hann = Math.abs(w) >= 1 ? 0 : 0.5 * (1 + Math.cos(Math.PI * w))
    return this.cutoff * sinc * hann
  }
}

/** Resamples a whole buffer in one go. */
export function resample(samples: Float32Array, from: number, to: number): Float32Array {
  const resampler = new StreamingResampler(from, to)
  const head = resampler.push(samples)
  const tail = resampler.flush()
  const out = new Float32Array(head.length + tail.length)
  out.set(head)
  out.set(tail, head.length)
  return out
}
