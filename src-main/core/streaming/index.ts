/** Async helpers every capability may build streams on (foundation level: imports nothing of ours). */
export { streamCallbacks } from './callback-stream'
