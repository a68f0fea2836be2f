import type { Io } from '../../src-main/cli/command'
import { WAIT_CEILING_MS } from './patient-waits'

export interface TestIo extends Io {
  stdout(): string
  stderr(): string
  /** Resolves io.untilStopped(), as Ctrl+C would. */
  stop(): void
  /** Resolves once stdout contains `text` (gives up after the shared wait ceiling unless told otherwise). */
  waitForOut(text: string, timeoutMs?: number): Promise<string>
}

/** An in-memory Io for runCli: collects output, and stops when the test says so. */
export function testIo(env: Record<string, string | undefined> = {}, stdin: string | null = null): TestIo {
  const out: string[] = []
  const err: string[] = []
  let stop: () => void = () => undefined
  const stopped = new Promise<void>((resolve) => (stop = resolve))
  return {
    env,
    out: (text) => void out.push(text),
    err: (text) => void err.push(text),
    untilStopped: () => stopped,
    readStdin: async () => stdin,
    stdout: () => out.join(''),
    stderr: () => err.join(''),
    stop: () => stop(),
    async waitForOut(text, timeoutMs = WAIT_CEILING_MS) {
      const started = Date.now()
      while (!out.join('').includes(text)) {
        if (Date.now() - started > timeoutMs) throw new Error(`stdout never contained ${JSON.stringify(text)}; stderr: ${err.join('')}`)
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
      return out.join('')
    },
  }
}
