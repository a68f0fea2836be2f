import { runFast } from './fast'

/** Process entry: real stdio and signals. Everything testable lives in runCli. */
const io = {
  out: (text: string) => void process.stdout.write(text),
  err: (text: string) => void process.stderr.write(text),
  env: process.env,
  terminal: process.stdout.isTTY === true && process.env.TERM !== 'dumb',
  interactive: process.stdin.isTTY === true && process.stdout.isTTY === true,
  get columns(): number | undefined {
    return process.stdout.columns
  },
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

const argv = process.argv.slice(2)
// In a terminal, no arguments opens the interactive chat; piped or redirected, it prints the help.
if (argv.length === 0 && io.interactive) argv.push('chat', '--interactive')
// Help, --version and completion answer from the command specs alone; the rest loads the app.
const fast = runFast(argv, io)
if (fast !== undefined) process.exitCode = fast
else {
  const [{ runCli }, { configureRuntime }, entries] = await Promise.all([import('./run'), import('./runtime'), import('./bundled-entries')])
  configureRuntime({ sessionWorker: { entry: entries.sessionWorker }, knowledgeWorker: { entry: entries.knowledgeWorker }, voice: { sherpaEntry: entries.sherpaChild } })
  process.exitCode = await runCli(argv, io)
}
