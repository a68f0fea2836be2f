import { parseArgs } from 'node:util'
import { SessionEngine } from '../src-main/core/sessions'
import { syntheticSessions } from './synthetic'

/** `npm run seed -- --data-dir DIR [--sessions N] [--messages M] [--seed S]`: a realistic history for development, e2e and benchmarks. */
const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    sessions: { type: 'string', default: '200' },
    messages: { type: 'string', default: '12' },
    seed: { type: 'string', default: '42' },
  },
})
const dataDir = values['data-dir']
if (!dataDir) {
  console.error('error: --data-dir is required (the seed never writes to your real history by accident)')
  process.exit(2)
}
const count = Number(values.sessions)
const perSession = Number(values.messages)
if (!Number.isInteger(count) || count < 1 || !Number.isInteger(perSession) || perSession < 2) {
  console.error('error: --sessions must be ≥ 1 and --messages ≥ 2')
  process.exit(2)
}

const engine = SessionEngine.open({ dataDir })
const started = performance.now()
let written = 0
let batch = []
for (const session of syntheticSessions({ sessions: count, messagesPerSession: perSession, seed: Number(values.seed) })) {
  batch.push(session)
  if (batch.length === 100) {
    written += engine.importSessions(batch)
    batch = []
  }
}
written += engine.importSessions(batch)
const info = engine.info()
engine.close()
console.log(`seeded ${written} sessions (${info.messages} messages in the store) into ${dataDir} in ${Math.round(performance.now() - started)} ms`)
