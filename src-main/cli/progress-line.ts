import type { Io } from './command'

/**
 * Progress output. On an interactive terminal one line is redrawn in place (`\r` and erase to the
 * end of the line), cut to the terminal's width so it never wraps (a wrapped line cannot be
 * redrawn); a new `key` (the next layer of a model, say) keeps the finished line and starts
 * another. Anywhere else (a pipe, a log file, `TERM=dumb`) every update is its own line, so logs
 * keep the whole story.
 */
export interface ProgressLine {
  /** Shows `line` as the progress of `key`. */
  update(key: string, line: string): void
  /** Prints `text` (ending in a newline) below the progress, which stays as it was. */
  print(text: string): void
  /** Ends the progress line, if one is showing. */
  end(): void
}

const ERASE_LINE = '\r\x1b[K'

export function progressLine(io: Io): ProgressLine {
  let key: string | undefined
  const end = (): void => {
    if (key !== undefined) io.out('\n')
    key = undefined
  }
  const fit = (line: string): string => (io.columns && line.length >= io.columns ? `${line.slice(0, Math.max(1, io.columns - 2))}…` : line)
  return {
    update(next, line) {
      if (!io.terminal) return io.out(`${line}\n`)
      if (key !== undefined && key !== next) io.out('\n')
      key = next
      io.out(`${ERASE_LINE}${fit(line)}`)
    },
    print(text) {
      end()
      io.out(text)
    },
    end,
  }
}
