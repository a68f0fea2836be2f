// Child process for crash.test.ts: writes complete messages, then streams a reply with frequent
// flushes, printing a line after each write is committed, until the parent SIGKILLs it.
import './ts-hooks.mjs'

const { SessionEngine } = await import('../engine.ts')
const { StreamingMessageWriter } = await import('../streaming-writer.ts')

const engine = SessionEngine.open({ dataDir: process.argv[2] })
const report = (line) => process.stdout.write(`${line}\n`)
const session = engine.createSession({ title: 'Crash test' })
report(`session ${session.id}`)
const complete = (text) => report(`complete ${engine.appendMessage(session.id, { role: 'user', text }).id}`)
for (let i = 0; i < 20; i++) complete(`complete message ${i}`)

const started = engine.startStreamingMessage(session.id, { model: 'test' })
report(`stream ${started.id}`)
let persisted = 0
let flushes = 0
const sink = {
  async appendStreamingText(id, text, reasoning) {
    engine.appendStreamingText(id, text, reasoning)
    persisted += text.length
    flushes++
    report(`flushed ${persisted}`)
    if (flushes % 3 === 0) complete(`written during the stream ${flushes}`)
  },
  async completeStreamingMessage() {
    throw new Error('never completes: the parent kills us first')
  },
  async failStreamingMessage() {
    throw new Error('unused')
  },
}
const writer = new StreamingMessageWriter(started, sink, { flushIntervalMs: 3, flushChars: 64 })
let n = 0
setInterval(() => {
  writer.append(`tok${n++} `)
}, 1)
