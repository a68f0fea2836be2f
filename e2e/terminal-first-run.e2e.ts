// A first run from the terminal, in a real terminal: tmux runs bash at 100×30 and the test types
// into it (send-keys) and reads the screen and its scrollback (capture-pane), as a user would.
// No Ollama → `chat` says what is wrong and what to type → `ollama install` (the stand-in release,
// from a mirror address) → `models pull` → `chat` answers → `sessions list` shows the chat. The
// terminal's settings (`stty -a`) are the same before and after.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { startReleaseServer, type ReleaseServer } from '../src-main/core/installer/testdata/release-server.ts'
import { root } from './harness.ts'
import { STANDIN_VERSION, standinArchive } from './ollama-standin.ts'
import { openTerminal, type Terminal } from './terminal.ts'

let release: ReleaseServer
let home: string
let ollamaHost: string
let terminal: Terminal

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })

before(async () => {
  const archive = standinArchive()
  release = await startReleaseServer({ artifacts: new Map([['ollama-linux-amd64.tar.zst', archive], ['ollama-linux-arm64.tar.zst', archive]]) })
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'ollama-desk-e2e-terminal-'))
  ollamaHost = `127.0.0.1:${await freePort()}`
  terminal = openTerminal({
    home,
    env: { OLLAMA_HOST: ollamaHost, OLLAMA_MODELS: path.join(home, 'models'), OLLAMA_DESK_HOME: path.join(home, 'data'), TERM: 'xterm-256color', LANG: 'C.UTF-8' },
  })
})

after(async () => {
  try {
    execFileSync(process.execPath, [path.join(root, 'bin', 'ollama-desk.js'), 'ollama', 'stop'], { env: { ...process.env, HOME: home, OLLAMA_HOST: ollamaHost, OLLAMA_DESK_HOME: path.join(home, 'data') }, stdio: 'ignore', timeout: 30_000 })
  } catch {
    // not running, or already stopped
  }
  const pidFile = path.join(home, '.local/share/ollama-desk/ollama-serve.pid')
  const pid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8').trim()) : 0
  if (pid > 0) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  terminal?.close('terminal-first-run')
  await release?.close()
  // The stopped Ollama may still be closing files in there: retry while the folder empties.
  fs.rmSync(home, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 })
})

describe('first run in a terminal: no Ollama → install → pull → chat', () => {
  let sttyBefore = ''

  test('the terminal starts at a prompt', async () => {
    sttyBefore = (await terminal.run('stty -a')).output
    assert.match(sttyBefore, /speed \d+ baud; rows 30; columns 100/)
  })

  test('chat with nothing installed says what is wrong and what to type next', async () => {
    const { output, status } = await terminal.run('ollama-desk chat "Hello"')
    assert.equal(status, 1)
    assert.match(output, new RegExp(`Ollama is not reachable at http://${ollamaHost.replace(/\./g, '\\.')}`))
    assert.match(output, /Next steps:\n\s+ollama-desk ollama install\s+install Ollama here and start it/)
    assert.match(output, /ollama-desk chat -m provider:model/)
    // Terminal steps, not the window's directions.
    assert.doesNotMatch(output, /Providers & Health|Settings →/)
  })

  test('ollama install downloads, verifies, installs and starts Ollama', async () => {
    const { output, status } = await terminal.run(`ollama-desk ollama install --base-url ${release.url} --service process`)
    assert.equal(status, 0, output)
    assert.match(output, /download/)
    assert.match(output, new RegExp(STANDIN_VERSION.replace(/\./g, '\\.')))
    const state = await terminal.run('ollama-desk ollama status')
    assert.equal(state.status, 0, state.output)
    assert.match(state.output, new RegExp(`${STANDIN_VERSION.replace(/\./g, '\\.')}`))
  })

  test('models pull shows progress and ends with the model pulled', async () => {
    const { output, status } = await terminal.run('ollama-desk models pull llama3.2')
    assert.equal(status, 0, output)
    assert.match(output, /pulling manifest/)
    // A terminal redraws each layer's line in place: one finished line per layer, not one per update.
    assert.equal(output.match(/^pulling [0-9a-f]{12} .*100\.0%/gm)?.length, 3, output)
    assert.equal(output.match(/^pulling [0-9a-f]{12} /gm)?.length, 3, output)
    assert.match(output, /pulled llama3\.2/)
  })

  test('chat now answers, and the chat is kept', async () => {
    const { output, status } = await terminal.run('ollama-desk chat "Hello there"')
    assert.equal(status, 0, output)
    assert.ok(output.trim().length > 0, 'the reply is printed')
    assert.doesNotMatch(output, /error:/)
    const sessions = await terminal.run('ollama-desk sessions list')
    assert.equal(sessions.status, 0, sessions.output)
    assert.match(sessions.output, /^\s+[0-9a-f-]{36}\s.*\s2 msg\s/m)
    const found = await terminal.run('ollama-desk sessions search there')
    assert.equal(found.status, 0, found.output)
    assert.match(found.output, /Hello there/)
  })

  test('the terminal is left as it was', async () => {
    assert.equal((await terminal.run('stty -a')).output, sttyBefore)
  })
})
