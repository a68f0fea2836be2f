import { describe, expect, it } from 'vitest'
import * as edit from './line-editor'

const typed = (text: string, history: string[] = []) => edit.insert(edit.emptyEditor(history), text)

describe('line editor', () => {
  it('inserts at the cursor, moves, deletes back and forward', () => {
    let e = typed('helo')
    e = edit.moveCursor(e, -1)
    e = edit.insert(e, 'l')
    expect([e.text, e.cursor]).toEqual(['hello', 4])
    e = edit.backspace(edit.end(e))
    expect(e.text).toBe('hell')
    e = edit.deleteForward(edit.home(e))
    expect([e.text, e.cursor]).toEqual(['ell', 0])
    expect(edit.backspace(e)).toBe(e)
    expect(edit.moveCursor(e, -5).cursor).toBe(0)
  })

  it('Ctrl+U and Ctrl+W remove to the line start and the word before', () => {
    expect(edit.killWord(typed('git commit -m')).text).toBe('git commit ')
    expect(edit.killToLineStart(typed('first\nsecond')).text).toBe('first\n')
  })

  it('a line ending in \\ continues on a new line instead of sending', () => {
    const { editor, sent } = edit.submit(typed('one \\'))
    expect(sent).toBeNull()
    expect(editor.text).toBe('one \n')
    expect(edit.submit(edit.insert(editor, 'two')).sent).toBe('one \ntwo')
  })

  it('sends trimmed text, never an empty one, and keeps it in the history once', () => {
    expect(edit.submit(typed('   ')).sent).toBeNull()
    const first = edit.submit(typed('  hello  '))
    expect(first.sent).toBe('hello')
    expect(first.editor).toMatchObject({ text: '', history: ['hello'] })
    const again = edit.submit(edit.insert(first.editor, 'hello'))
    expect(again.editor.history).toEqual(['hello'])
  })

  it('Up and Down walk the history and give back the unsent text', () => {
    let e = typed('draft', ['one', 'two'])
    e = edit.up(e)
    expect(e.text).toBe('two')
    e = edit.up(e)
    expect(e.text).toBe('one')
    expect(edit.up(e)).toBe(e)
    e = edit.down(edit.down(e))
    expect(e.text).toBe('draft')
    expect(edit.down(e)).toBe(e)
  })

  it('in a multiline text Up and Down move between lines first', () => {
    let e = typed('abc\nde', ['old'])
    e = edit.up(e)
    expect([e.text, e.cursor]).toEqual(['abc\nde', 2])
    e = edit.down(e)
    expect(e.cursor).toBe(6)
  })
})
