import { parseArgs } from 'node:util'
import { SessionEngine } from '../src-main/core/sessions'

/**
 * `node scripts/run-tool.js bench/seed-chat.ts --data-dir DIR --title T [--chats K] [--messages N] [--tokens T] [--words W]`:
 * K chats of N messages each (user and assistant turns of about W words, the replies by Ollama's
 * llama3.2), for the context e2e and the chat benchmarks. With --tokens, the last reply reports
 * that many tokens of context, as a provider would. Prints `SEEDED {"ids":[…]}`.
 */
const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    title: { type: 'string', default: 'Seeded chat' },
    chats: { type: 'string', default: '1' },
    messages: { type: 'string', default: '12' },
    tokens: { type: 'string' },
    words: { type: 'string', default: '12' },
    provider: { type: 'string', default: 'ollama' },
    model: { type: 'string', default: 'llama3.2:latest' },
  },
})
const dataDir = values['data-dir']
if (!dataDir) {
  console.error('error: --data-dir is required (the seed never writes to your real history by accident)')
  process.exit(2)
}
const chats = Number(values.chats)
const count = Number(values.messages)
const words = Number(values.words)
const tokens = values.tokens === undefined ? undefined : Number(values.tokens)
if (![chats, count, words].every((n) => Number.isInteger(n) && n >= 1) || (tokens !== undefined && !(Number.isInteger(tokens) && tokens > 10))) {
  console.error('error: --chats, --messages and --words must be whole numbers ≥ 1, --tokens > 10')
  process.exit(2)
}

const vocabulary = ['context', 'window', 'model', 'summary', 'token', 'reply', 'question', 'detail', 'answer', 'example', 'number', 'chat']
const filler = (i: number): string => Array.from({ length: words }, (_, w) => vocabulary[(i * 7 + w) % vocabulary.length]).join(' ')

const engine = SessionEngine.open({ dataDir })
const ids: string[] = []
for (let c = 0; c < chats; c++) {
  const session = engine.createSession({ title: chats === 1 ? values.title : `${values.title} ${c + 1}` })
  for (let i = 0; i < count; i++) {
    const assistant = i % 2 === 1
    const last = i === count - 1
    engine.appendMessage(session.id, {
      role: assistant ? 'assistant' : 'user',
      text: `Message ${i}: ${filler(i)}.`,
      ...(assistant ? { provider: values.provider, model: values.model } : {}),
      ...(assistant && last && tokens !== undefined ? { usage: { inputTokens: tokens - 10, outputTokens: 10 } } : {}),
    })
  }
  ids.push(session.id)
}
engine.close()
console.log(`SEEDED ${JSON.stringify({ ids })}`)
