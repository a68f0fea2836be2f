import { parentPort, workerData } from 'node:worker_threads'
import type { WorkerOptions } from './protocol'
import { serveSessionEngine } from './worker-host'

// The worker thread's entry: bundled on its own by electron-vite (`?modulePath`), see README.md.
if (parentPort) serveSessionEngine(parentPort, (workerData as { options: WorkerOptions }).options)
