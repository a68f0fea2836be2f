import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import sessionWorker from '../core/sessions/worker-entry?modulePath'
import knowledgeWorker from '../core/knowledge/worker-entry?modulePath'
import sherpaChild from '../core/voice/engines/sherpa-child?modulePath'
import { startDesktop } from './app'

// Workers cannot start from inside app.asar; packaging unpacks the worker next to it.
const unpacked = sessionWorker.replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`)
const unpackedKnowledge = knowledgeWorker.replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`)
// The speech engine's child process likewise (and sherpa-onnx's native libraries, see build/electron-builder.json).
const unpackedSherpa = sherpaChild.replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`)
void startDesktop({
  mainDir: path.dirname(fileURLToPath(import.meta.url)),
  sessionWorker: fs.existsSync(unpacked) ? unpacked : sessionWorker,
  knowledgeWorker: fs.existsSync(unpackedKnowledge) ? unpackedKnowledge : knowledgeWorker,
  sherpaEntry: fs.existsSync(unpackedSherpa) ? unpackedSherpa : sherpaChild,
})
