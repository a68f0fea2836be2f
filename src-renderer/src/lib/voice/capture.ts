/** The microphone as Float32 frames on the main thread: an AudioWorklet, or a ScriptProcessor where worklets are missing. */
// Never inlined as a data: URL: the interface's CSP loads scripts from 'self' only.
import workletUrl from './capture-worklet.js?url&no-inline'

export interface Capture {
  /** The context's rate, which the frames come at (often 48 kHz). */
  sampleRate: number
  /** Which path reads the microphone (the worklet unless the engine lacks it). */
  via: 'worklet' | 'script-processor'
  stop(): void
}

export type OpenMicrophone = (onFrame: (samples: Float32Array) => void) => Promise<Capture>

/** Why the microphone could not be opened, in terms the UI explains. */
export class MicrophoneError extends Error {
  constructor(
    readonly kind: 'denied' | 'missing' | 'busy' | 'unsupported',
    message: string,
  ) {
    super(message)
  }
}


export function microphoneError(error: unknown): MicrophoneError {
  const name = error instanceof Error || (typeof error === 'object' && error !== null && 'name' in error) ? String((error as { name: unknown }).name) : ''
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') return new MicrophoneError('denied', 'Microphone access was refused.')
  if (name === 'NotFoundError' || name === 'DevicesNotFoundError' || name === 'OverconstrainedError') return new MicrophoneError('missing', 'No microphone was found.')
  if (name === 'NotReadableError' || name === 'AbortError') return new MicrophoneError('busy', 'The microphone is in use by another app or could not be started.')
  return new MicrophoneError('unsupported', error instanceof Error ? error.message : 'The microphone could not be opened.')
}

/** Opens the default microphone with echo cancellation and noise suppression (mono). */
export const openMicrophone: OpenMicrophone = async (onFrame) => {
  if (!navigator.mediaDevices?.getUserMedia) throw new MicrophoneError('unsupported', 'This browser cannot use a microphone here (it needs https or localhost).')
  let stream: MediaStream
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true } })
  } catch (error) {
    throw microphoneError(error)
  }
  const context = new AudioContext()
  const source = context.createMediaStreamSource(stream)
  let node: AudioNode
  let detach: () => void
  let via: Capture['via'] = 'worklet'
  try {
    await context.audioWorklet.addModule(workletUrl)
    const worklet = new AudioWorkletNode(context, 'desk-capture')
    worklet.port.onmessage = (event: MessageEvent<Float32Array>) => onFrame(event.data)
    node = worklet
    detach = () => (worklet.port.onmessage = null)
  } catch {
    // Older engines (and test stand-ins): the deprecated but universal ScriptProcessor.
    via = 'script-processor'
    const processor = context.createScriptProcessor(2048, 1, 1)
    processor.onaudioprocess = (event) => onFrame(event.inputBuffer.getChannelData(0).slice(0))
    node = processor
    detach = () => (processor.onaudioprocess = null)
  }
  source.connect(node)
  // A worklet/processor only runs when connected to the destination; it outputs silence.
  node.connect(context.destination)
  return {
    sampleRate: context.sampleRate,
    via,
    stop: () => {
      detach()
      source.disconnect()
      node.disconnect()
      for (const track of stream.getTracks()) track.stop()
      void context.close()
    },
  }
}
