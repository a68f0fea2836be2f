// A real terminal for end-to-end tests: tmux runs bash in a detached session of a given size and
// the test types into it (send-keys) and reads it back (capture-pane), as a user would.
// Erasable TS, run as is by node --test.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { eventually, root, screenshotDir } from './harness.ts'

export interface Terminal {
  /** Types `line` and Enter at the shell prompt, waits for it to finish: what it printed and its exit status. */
  run(line: string): Promise<{ output: string; status: number }>
  /** Types text as is (no Enter). */
  type(text: string): void
  /** Presses keys by tmux name, one at a time: 'Enter', 'Escape', 'C-c', 'Up', 'Tab'… */
  press(...keys: string[]): void
  /** The visible screen. */
  screen(): string
  /** The screen and all of its scrollback, wrapped lines joined. */
  scrollback(): string
  /** Waits until the visible screen (or, with `inScrollback`, the scrollback too) matches. */
  waitFor(pattern: RegExp, what?: string, inScrollback?: boolean): Promise<string>
  /** Saves the scrollback as the terminal's "screenshot" (`name`.txt beside the screenshots) and ends tmux. */
  close(name: string): void
}

let sessions = 0

/**
 * `env` is the whole environment (tmux starts bash with `env -i`), plus `ollama-desk` as a shell
 * function that runs this checkout's launcher, as `npm i -g` would give a user.
 */
export function openTerminal(options: { home: string; env: Record<string, string>; columns?: number; rows?: number; cwd?: string }): Terminal {
  const socket = `od-e2e-${process.pid}-${++sessions}`
  const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' })
  const rc = path.join(options.home, '.bashrc')
  fs.writeFileSync(rc, `PS1='$ '\nollama-desk() { node ${JSON.stringify(path.join(root, 'bin', 'ollama-desk.js'))} "$@"; }\n`)
  const env = Object.entries({ HOME: options.home, PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`, ...options.env }).map(([k, v]) => `${k}=${v}`)
  tmux('new-session', '-d', '-s', 'main', '-x', String(options.columns ?? 100), '-y', String(options.rows ?? 30), '-c', options.cwd ?? options.home, 'env', '-i', ...env, 'bash', '--noprofile', '--rcfile', rc, '-i')
  tmux('set-option', '-t', 'main', 'history-limit', '20000')
  let commands = 0
  const screen = (): string => tmux('capture-pane', '-p', '-t', 'main')
  const scrollback = (): string => tmux('capture-pane', '-p', '-J', '-S', '-', '-t', 'main')
  return {
    async run(line) {
      const id = ++commands
      // `$?` is expanded by the shell: the typed line shows `__done_${id}_$?`, the output a number.
      tmux('send-keys', '-t', 'main', '-l', `${line}; echo "__done_${id}_$?__"`)
      tmux('send-keys', '-t', 'main', 'Enter')
      const marker = new RegExp(`__done_${id}_(\\d+)__`)
      await eventually(() => marker.test(scrollback()), () => `"${line}" to finish; the screen:\n${scrollback().slice(-3000)}`)
      const text = scrollback()
      const start = text.lastIndexOf(`echo "__done_${id}_$?__"`)
      return { output: text.slice(start, text.search(marker)).split('\n').slice(1).join('\n'), status: Number(marker.exec(text)![1]) }
    },
    type: (text) => void tmux('send-keys', '-t', 'main', '-l', text),
    press: (...keys) => keys.forEach((key) => tmux('send-keys', '-t', 'main', key)),
    screen,
    scrollback,
    async waitFor(pattern, what, inScrollback = false) {
      const read = inScrollback ? scrollback : screen
      await eventually(() => pattern.test(read()), () => `${what ?? pattern}; the screen:\n${read().slice(-3000)}`)
      return read()
    },
    close(name) {
      try {
        fs.mkdirSync(screenshotDir, { recursive: true })
        fs.writeFileSync(path.join(screenshotDir, `${name}.txt`), scrollback())
        tmux('kill-server')
      } catch {
        // the server ended with its session
      }
    },
  }
}
