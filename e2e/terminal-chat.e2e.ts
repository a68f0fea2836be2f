// The interactive terminal chat (`ollama-desk` with no arguments), in a real terminal at 80×24:
// Markdown replies, the status line, /commands, stopping a reply with Esc, a tool approval answered
// with a key, /history and /load, and the terminal left as it was. Then the same chat in a vt100
// terminal with LANG=C, and the help (not the chat) when nothing is a terminal.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { startProviderFakes, type ProviderFakes } from './harness.ts'
import { openTerminal, type Terminal } from './terminal.ts'

let fakes: ProviderFakes
let home: string
let workspace: string
let terminal: Terminal

const envFor = (term: string, lang: string): Record<string, string> => ({
  OLLAMA_HOST: fakes.ollama.replace(/^https?:\/\//, ''),
  OLLAMA_DESK_HOME: path.join(home, 'data'),
  TERM: term,
  LANG: lang,
})

before(async () => {
  fakes = await startProviderFakes()
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'ollama-desk-e2e-tui-'))
  workspace = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ollama-desk-e2e-tui-ws-')))
  terminal = openTerminal({ home, cwd: workspace, columns: 80, rows: 24, env: envFor('xterm-256color', 'C.UTF-8') })
})

after(async () => {
  terminal?.close('terminal-chat')
  await fakes?.stop()
  fs.rmSync(home, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 })
  fs.rmSync(workspace, { recursive: true, force: true })
})

describe('the interactive terminal chat', () => {
  let sttyBefore = ''

  test('opens on `ollama-desk` with no arguments', async () => {
    sttyBefore = (await terminal.run('stty -a')).output
    terminal.type('ollama-desk')
    terminal.press('Enter')
    await terminal.waitFor(/\/help for commands/, 'the welcome line')
    await terminal.waitFor(/auto · new chat · 0 in \/ 0 out · free/, 'the status line')
  })

  test('a reply streams as Markdown: headings, bold and code without their marks', async () => {
    await fakes.control({ target: 'ollama', script: [{ text: ['# Plan\n\n', 'Use **git** and `npm test`.\n\n', '```js\n', 'const answer = 42\n', '```\n'], usage: { inputTokens: 12, outputTokens: 30 } }] })
    terminal.type('Make a plan')
    terminal.press('Enter')
    const screen = await terminal.waitFor(/const answer = 42[\s\S]*ollama:llama3\.2:latest · 12 in \/ 30 out/, 'the finished reply and its line')
    assert.match(screen, /^Plan$/m)
    assert.match(screen, /Use git and npm test\./)
    assert.doesNotMatch(screen, /\*\*|```|^# /m)
    await terminal.waitFor(/ollama:llama3\.2:latest · Make a plan · 12 in \/ 30 out · free/, 'the status line with the model and the chat')
  })

  test('/model lists the local models; a name that is not provider:model is refused with an example', async () => {
    terminal.type('/model')
    terminal.press('Enter')
    await terminal.waitFor(/Answering with ollama:llama3\.2:latest/, 'the current model')
    terminal.type('/model llama')
    terminal.press('Enter')
    await terminal.waitFor(/✗ "llama" is not provider:model \(e\.g\. ollama:llama3\.2/, 'the refusal')
  })

  test('Esc stops a reply mid-stream; what came is kept and marked stopped', async () => {
    const words = Array.from({ length: 400 }, (_, i) => `word${i} `)
    await fakes.control({ target: 'ollama', script: [{ text: words, chunkDelayMs: 50 }] })
    terminal.type('Count slowly')
    terminal.press('Enter')
    await terminal.waitFor(/word3 /, 'the reply to start')
    terminal.press('Escape')
    await terminal.waitFor(/^stopped$/m, 'the reply marked stopped')
    assert.doesNotMatch(terminal.screen(), /word399/)
    await terminal.waitFor(/Type a message, or \/help/, 'the prompt back')
  })

  test('a tool call waits for a key: d denies (nothing runs), o allows once (it runs in the workspace)', async () => {
    await fakes.control({ target: 'ollama', script: [{ text: [], toolCall: { id: 'call_1', name: 'Bash', arguments: { command: 'echo hi > tui.txt' } } }, { text: ['I did not run it.'] }] })
    terminal.type('Write a file')
    terminal.press('Enter')
    await terminal.waitFor(/Allow Bash\?[\s\S]*Bash: echo hi > tui\.txt[\s\S]*\[o\] once {2}\[s\] this session {2}\[w\] this workspace {2}\[d\] deny/, 'the approval')
    terminal.press('d')
    await terminal.waitFor(/I did not run it\./, 'the reply after the denial')
    assert.equal(fs.existsSync(path.join(workspace, 'tui.txt')), false)

    await fakes.control({ target: 'ollama', script: [{ text: [], toolCall: { id: 'call_2', name: 'Bash', arguments: { command: 'echo hi > tui.txt' } } }, { text: ['Written.'] }] })
    terminal.type('Write it now')
    terminal.press('Enter')
    await terminal.waitFor(/Allow Bash\?[\s\S]*Bash: echo hi > tui\.txt/, 'the second approval')
    terminal.press('o')
    await terminal.waitFor(/Written\./, 'the reply after the run')
    assert.equal(fs.readFileSync(path.join(workspace, 'tui.txt'), 'utf8'), 'hi\n')
  })

  test('/new, /history and /load: an earlier chat comes back with its messages', async () => {
    terminal.type('/new')
    terminal.press('Enter')
    await terminal.waitFor(/New chat: your next message starts it\./)
    await terminal.waitFor(/· new chat ·/, 'the status line of a new chat')
    terminal.type('/history')
    terminal.press('Enter')
    const listed = await terminal.waitFor(/\/load <number> continues one\./, 'the list')
    // One chat so far (its title is the model's): number, date, message count, title.
    assert.match(listed, /^ 1 {2}\d{4}-\d\d-\d\d \d\d:\d\d +\d+ msg {2}\S.*$/m)
    terminal.type('/load 1')
    terminal.press('Enter')
    await terminal.waitFor(/Continuing “.+” \(\d+ messages\)/, 'the chat coming back', true)
    await terminal.waitFor(/› Write it now/, 'its messages shown again')
  })

  test('Up brings back what was sent; Ctrl+C clears the prompt, twice on an empty prompt leaves', async () => {
    terminal.press('Up')
    await terminal.waitFor(/› \/load 1/, 'the last line sent')
    terminal.press('C-c')
    await terminal.waitFor(/Type a message, or \/help/, 'an empty prompt')
    terminal.press('C-c')
    await terminal.waitFor(/Press Ctrl\+C again to leave/)
    terminal.press('C-c')
    await terminal.waitFor(/^\$ ?$/m, 'the shell prompt')
  })

  test('the terminal is left as it was', async () => {
    assert.equal((await terminal.run('stty -a')).output, sttyBefore)
  })

  test('with TERM=vt100, LANG=C and no colours it still chats, and /quit leaves cleanly', async () => {
    await fakes.control({ target: 'ollama', script: [{ text: ['Plain **terminal** reply.'] }] })
    await terminal.run('clear')
    terminal.type('TERM=vt100 LANG=C NO_COLOR=1 ollama-desk')
    terminal.press('Enter')
    await terminal.waitFor(/\/help for commands/, 'the welcome line')
    terminal.type('Hello from vt100')
    terminal.press('Enter')
    await terminal.waitFor(/Plain terminal reply\./, 'the reply')
    terminal.type('/quit')
    terminal.press('Enter')
    await terminal.waitFor(/^\$ ?$/m, 'the shell prompt')
    assert.equal((await terminal.run('stty -a')).output, sttyBefore)
  })

  test('with TERM=dumb it chats line by line, in plain text', async () => {
    await fakes.control({ target: 'ollama', script: [{ text: ['Dumb ', 'terminal ', 'reply.'] }] })
    await terminal.run('clear')
    terminal.type('TERM=dumb ollama-desk')
    terminal.press('Enter')
    await terminal.waitFor(/\/help for commands, Ctrl\+D to leave\n> ?$/m, 'the welcome line and the prompt', true)
    terminal.type('Hello from a dumb terminal')
    terminal.press('Enter')
    await terminal.waitFor(/^Dumb terminal reply\.\nollama:llama3\.2:latest · .+\n> ?$/m, 'the reply, its line and the next prompt', true)
    terminal.type('/quit')
    terminal.press('Enter')
    await terminal.waitFor(/^\$ ?$/m, 'the shell prompt')
    assert.equal((await terminal.run('stty -a')).output, sttyBefore)
  })

  test('without a terminal, `ollama-desk` prints the help instead', async () => {
    const { output, status } = await terminal.run('ollama-desk < /dev/null | cat')
    assert.equal(status, 0)
    assert.match(output, /^Usage: ollama-desk <command> \[options\]$/m)
  })
})
