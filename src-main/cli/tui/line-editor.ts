/**
 * The prompt's text and cursor, with the history of what was sent. Pure: the terminal UI feeds it
 * keys and draws what it holds. Multiline: Alt+Enter, Ctrl+J, or a line ending in `\` adds a line;
 * Up and Down walk the history when the text is a single line (otherwise they move between lines).
 */
export interface LineEditor {
  readonly text: string
  /** Index into `text`. */
  readonly cursor: number
  /** What was sent, oldest first. */
  readonly history: readonly string[]
  /** Where Up/Down are in the history; `history.length` is the text being written. */
  readonly historyIndex: number
  /** The text being written before Up was pressed, given back by Down. */
  readonly unsent: string
}

export const emptyEditor = (history: readonly string[] = []): LineEditor => ({ text: '', cursor: 0, history, historyIndex: history.length, unsent: '' })

const at = (editor: LineEditor, text: string, cursor: number): LineEditor => ({ ...editor, text, cursor: Math.max(0, Math.min(text.length, cursor)) })

export const insert = (editor: LineEditor, typed: string): LineEditor =>
  at(editor, editor.text.slice(0, editor.cursor) + typed + editor.text.slice(editor.cursor), editor.cursor + typed.length)

export const backspace = (editor: LineEditor): LineEditor =>
  editor.cursor === 0 ? editor : at(editor, editor.text.slice(0, editor.cursor - 1) + editor.text.slice(editor.cursor), editor.cursor - 1)

export const deleteForward = (editor: LineEditor): LineEditor => at(editor, editor.text.slice(0, editor.cursor) + editor.text.slice(editor.cursor + 1), editor.cursor)

export const moveCursor = (editor: LineEditor, by: number): LineEditor => at(editor, editor.text, editor.cursor + by)

const lineStart = (text: string, cursor: number): number => text.lastIndexOf('\n', cursor - 1) + 1
const lineEnd = (text: string, cursor: number): number => (text.indexOf('\n', cursor) === -1 ? text.length : text.indexOf('\n', cursor))

export const home = (editor: LineEditor): LineEditor => at(editor, editor.text, lineStart(editor.text, editor.cursor))
export const end = (editor: LineEditor): LineEditor => at(editor, editor.text, lineEnd(editor.text, editor.cursor))

/** Ctrl+U: removes the text before the cursor on its line. */
export const killToLineStart = (editor: LineEditor): LineEditor => {
  const start = lineStart(editor.text, editor.cursor)
  return at(editor, editor.text.slice(0, start) + editor.text.slice(editor.cursor), start)
}

/** Ctrl+W: removes the word before the cursor. */
export const killWord = (editor: LineEditor): LineEditor => {
  const before = editor.text.slice(0, editor.cursor)
  const start = before.replace(/\S+\s*$/, '').length
  return at(editor, editor.text.slice(0, start) + editor.text.slice(editor.cursor), start)
}

/** Up: the previous line of a multiline text, else the previous history entry. */
export function up(editor: LineEditor): LineEditor {
  const start = lineStart(editor.text, editor.cursor)
  if (start > 0) {
    const column = editor.cursor - start
    const previousStart = lineStart(editor.text, start - 1)
    return at(editor, editor.text, Math.min(previousStart + column, start - 1))
  }
  if (editor.historyIndex === 0) return editor
  const index = editor.historyIndex - 1
  const text = editor.history[index]!
  return { ...editor, text, cursor: text.length, historyIndex: index, unsent: editor.historyIndex === editor.history.length ? editor.text : editor.unsent }
}

/** Down: the next line of a multiline text, else the next history entry (then the unsent text). */
export function down(editor: LineEditor): LineEditor {
  const endOfLine = lineEnd(editor.text, editor.cursor)
  if (endOfLine < editor.text.length) {
    const column = editor.cursor - lineStart(editor.text, editor.cursor)
    const nextStart = endOfLine + 1
    return at(editor, editor.text, Math.min(nextStart + column, lineEnd(editor.text, nextStart)))
  }
  if (editor.historyIndex >= editor.history.length) return editor
  const index = editor.historyIndex + 1
  const text = index === editor.history.length ? editor.unsent : editor.history[index]!
  return { ...editor, text, cursor: text.length, historyIndex: index }
}

/**
 * Enter. A line ending in `\` continues on a new line (the backslash is dropped); otherwise the
 * text is sent: `sent` is it (trimmed), and the editor starts empty with it added to the history.
 */
export function submit(editor: LineEditor): { editor: LineEditor; sent: string | null } {
  const before = editor.text.slice(0, editor.cursor)
  if (before.endsWith('\\')) return { editor: at(editor, `${before.slice(0, -1)}\n${editor.text.slice(editor.cursor)}`, editor.cursor), sent: null }
  const sent = editor.text.trim()
  if (!sent) return { editor: { ...editor, text: '', cursor: 0 }, sent: null }
  const history = editor.history.at(-1) === sent ? editor.history : [...editor.history, sent].slice(-500)
  return { editor: emptyEditor(history), sent }
}
