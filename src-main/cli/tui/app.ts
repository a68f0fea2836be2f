import { Box, useApp, useInput, usePaste, useWindowSize, type Key } from 'ink'
import { createElement as h, useEffect, useReducer, useRef, useState, type ReactElement } from 'react'
import type { PermissionDecision } from '../../../src-shared/contract'
import type { CliApi } from '../api-command'
import * as edit from './line-editor'
import { runSlash } from './run-slash'
import { completeSlash, messageText, parseSlash } from './slash'
import type { TuiSession } from './tui-session'
import { Approval, Completions, LiveReply, Prompt, StatusLine, Transcript } from './view'

const DECISIONS: Record<string, PermissionDecision> = { o: 'allow-once', y: 'allow-once', s: 'allow-session', w: 'allow-workspace', d: 'deny', n: 'deny' }

type Edit = (editor: edit.LineEditor) => edit.LineEditor

/** Cursor and history keys, by the flag Ink sets for them. */
const MOVES: [keyof Key, Edit][] = [
  ['leftArrow', (e) => edit.moveCursor(e, -1)],
  ['rightArrow', (e) => edit.moveCursor(e, 1)],
  ['upArrow', edit.up],
  ['downArrow', edit.down],
  ['home', edit.home],
  ['end', edit.end],
  ['backspace', edit.backspace],
  ['delete', edit.deleteForward],
]
/** Emacs-style Ctrl keys, as most shells have them. */
const CTRL: Record<string, Edit> = { a: edit.home, e: edit.end, u: edit.killToLineStart, w: edit.killWord }

const completeCommand: Edit = (editor) => {
  const [only, ...more] = completeSlash(editor.text)
  return only && more.length === 0 ? { ...editor, text: `/${only.name} `, cursor: only.name.length + 2 } : editor
}

/** Keys that edit the prompt; null when the key is not an editing key. */
function edited(editor: edit.LineEditor, input: string, key: Key): edit.LineEditor | null {
  const move = MOVES.find(([flag]) => key[flag])
  if (move) return move[1](editor)
  if (key.ctrl) return CTRL[input]?.(editor) ?? null
  // Alt+Enter and Ctrl+J (a bare line feed) add a line.
  if ((key.return && key.meta) || input === '\n') return edit.insert(editor, '\n')
  if (key.tab) return completeCommand(editor)
  if (input && !key.meta && !key.escape && !key.return) return edit.insert(editor, input)
  return null
}

export function TuiApp({ session, api, history }: { session: TuiSession; api: CliApi; history: readonly string[] }): ReactElement {
  const { exit } = useApp()
  const { columns, rows } = useWindowSize()
  const [, redraw] = useReducer((n: number) => n + 1, 0)
  const [editor, setEditor] = useState(() => edit.emptyEditor(history))
  // Ctrl+C on an empty prompt once warns; a second press in a row leaves.
  const armed = useRef(false)
  useEffect(() => session.subscribe(redraw), [session])
  const view = session.view()

  const submit = (current: edit.LineEditor): void => {
    const { editor: next, sent } = edit.submit(current)
    setEditor(next)
    if (sent === null) return
    const slash = parseSlash(sent)
    if (!slash) return void session.send(messageText(sent))
    void runSlash(session, api, slash.name, slash.args).then((outcome) => outcome === 'quit' && exit())
  }

  useInput((input, key) => {
    const wasArmed = armed.current
    armed.current = false
    if (view.permission) {
      const decision = key.escape ? 'deny' : DECISIONS[input.toLowerCase()]
      if (decision) void session.decide(decision)
      return
    }
    if (key.ctrl && input === 'c') {
      if (session.stop()) return
      if (editor.text) return setEditor(edit.emptyEditor(editor.history))
      if (wasArmed) return exit()
      armed.current = true
      return session.add('notice', 'Press Ctrl+C again to leave (or type /quit).')
    }
    if (key.ctrl && input === 'd' && !editor.text) return exit()
    if (key.escape) return void session.stop()
    if (key.return && !key.meta) return view.busy ? undefined : submit(editor)
    // Keys typed faster than the screen reads them arrive as one chunk ("text\r"): the text, then Enter.
    if (input.includes('\r') && !key.ctrl && !key.meta) {
      const [text = '', ...rest] = input.split('\r')
      const typed = edit.insert(editor, text)
      if (view.busy || rest.length === 0) return setEditor(typed)
      return submit(typed)
    }
    const next = edited(editor, input, key)
    if (next) setEditor(next)
  })
  usePaste((text) => setEditor((current) => edit.insert(current, text.replace(/\r\n?/g, '\n'))))

  const completions = view.busy ? [] : completeSlash(editor.text)
  return h(
    Box,
    { flexDirection: 'column' },
    h(Transcript, { entries: view.entries, epoch: view.cleared }),
    view.live ? h(LiveReply, { text: view.live.text, model: view.live.model, rows }) : null,
    view.permission ? h(Approval, { request: view.permission }) : null,
    h(Prompt, { editor, busy: view.busy }),
    completions.length ? h(Completions, { specs: completions }) : null,
    h(StatusLine, { status: view.status, columns }),
  )
}
