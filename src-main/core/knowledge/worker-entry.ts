import { parentPort, workerData } from 'node:worker_threads'
import type { KnowledgeServiceOptions } from './service'
import { serveKnowledge } from './worker-host'

// The knowledge worker thread's entry: bundled on its own by electron-vite (`?modulePath`).
if (parentPort) serveKnowledge(parentPort, (workerData as { options: KnowledgeServiceOptions }).options)
