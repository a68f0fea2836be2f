import sessionWorker from '../core/sessions/worker-entry?modulePath'
import sherpaChild from '../core/voice/engines/sherpa-child?modulePath'
import { runCli } from './run'
import { configureRuntime } from './runtime'

/** Process entry: real stdio and signals. Everything testable lives in runCli. */
const io = {
  out: (text: string) => void process.stdout.write(text),
  err: (text: string) => void process.stderr.write(text),
  env: process.env,
  untilStopped: () =>
    new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve())
      process.once('SIGTERM', () => resolve())
    }),
  readStdin: async (): Promise<string | null> => {
    if (process.stdin.isTTY) return null
    const chunks: Buffer[] = []
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks).toString('utf8')
  },
}

configureRuntime({ sessionWorker: { entry: sessionWorker }, voice: { sherpaEntry: sherpaChild } })
process.exitCode = await runCli(process.argv.slice(2), io)
