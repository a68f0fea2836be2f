import { pino, type Logger as PinoLogger } from 'pino'
import { RotatingFile } from './rotating-file'
import { SecretScrubber, redactPaths } from './redact'

export type Logger = PinoLogger

export interface LogSink {
  write(line: string): void
}

export interface AppLogger {
  log: Logger
  scrubber: SecretScrubber
  close(): void
}

export interface LoggerOptions {
  /** Where lines go; the data dir's rotating file when omitted with `file`. */
  sink?: LogSink
  file?: string
  level?: string
  /** Also echo each line to stderr (CLI --verbose). */
  echo?: boolean
}

/** Says once on stderr that the log is losing lines; stderr itself may be gone, which is fine. */
function complain(message: string): void {
  try {
    process.stderr.write(`ollama-desk: ${message}\n`)
  } catch {
    // nowhere left to say it
  }
}

/** The log file, or none when it cannot even be opened (a full disk at start-up): the app runs on without it. */
function openLogFile(file: string): RotatingFile | undefined {
  const onTrouble = (error: unknown): void =>
    complain(`cannot write the log file ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}); log lines are dropped until it works again`)
  try {
    return new RotatingFile({ file, onTrouble })
  } catch (error) {
    complain(`cannot open the log file ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}); logging to the file is off`)
    return undefined
  }
}

/** Structured JSON logs with secrets removed by field name, known key shapes and registered values. */
export function createLogger(options: LoggerOptions): AppLogger {
  const scrubber = new SecretScrubber()
  const file = options.file ? openLogFile(options.file) : undefined
  const sink = options.sink ?? file
  const destination = {
    write(line: string): void {
      const clean = scrubber.scrub(line)
      sink?.write(clean)
      if (options.echo) process.stderr.write(clean)
    },
  }
  const log = pino(
    {
      level: options.level ?? 'info',
      base: { pid: process.pid },
      redact: { paths: redactPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  )
  return { log, scrubber, close: () => file?.close() }
}

export const silentLogger = (): Logger => pino({ level: 'silent' })
