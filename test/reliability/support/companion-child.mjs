// Test-only: the real `ollama-desk` CLI (`serve` and the rest) from the TypeScript sources, with
// the session store in its worker thread as in the built app, for tests that need the companion
// as a process of its own (to SIGKILL it, or to watch it survive). Started by companion-process.ts.
import './host-guard.mjs'
import './loader.mjs'

const bootstrap = new URL('../../../src-main/core/sessions/testdata/worker-bootstrap.mjs', import.meta.url)
const workerEntry = new URL('../../../src-main/core/sessions/worker-entry.ts', import.meta.url).href
const { configureRuntime } = await import('../../../src-main/cli/runtime.ts')
const { runCli } = await import('../../../src-main/cli/run.ts')

configureRuntime({ sessionWorker: { entry: bootstrap, workerData: { tsEntry: workerEntry } } })
const io = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  env: process.env,
  untilStopped: () =>
    new Promise((resolve) => {
      process.once('SIGINT', () => resolve())
      process.once('SIGTERM', () => resolve())
    }),
  readStdin: async () => null,
}
process.exitCode = await runCli(process.argv.slice(2), io)
