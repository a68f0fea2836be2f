/* global registerProcessor, AudioWorkletProcessor -- the AudioWorklet scope */
// Runs on the audio thread: hands each 128-sample block of the first channel to the page.
// Served as its own file because the interface's CSP allows scripts from 'self' only.
registerProcessor(
  'desk-capture',
  class extends AudioWorkletProcessor {
    process(inputs) {
      const channel = inputs[0] && inputs[0][0]
      if (channel) this.port.postMessage(channel.slice(0))
      return true
    }
  },
)
