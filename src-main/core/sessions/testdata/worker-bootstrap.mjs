// Test-only worker entry: installs the .ts resolver, then runs the real worker-entry.ts.
import './ts-hooks.mjs'
import { workerData } from 'node:worker_threads'

await import(workerData.tsEntry)
