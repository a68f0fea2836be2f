import { describe, expect, it } from 'vitest'
import { isSendKey, sendKeyHint } from './use-chat-target'

const press = (over: Partial<Parameters<typeof isSendKey>[1]> = {}) => ({ key: 'Enter', shiftKey: false, ctrlKey: false, metaKey: false, isComposing: false, ...over })

describe('send key', () => {
  it('Enter sends; Shift+Enter and an IME composition do not', () => {
    expect(isSendKey('enter', press())).toBe(true)
    expect(isSendKey('enter', press({ shiftKey: true }))).toBe(false)
    expect(isSendKey('enter', press({ isComposing: true }))).toBe(false)
    expect(isSendKey('enter', press({ key: 'a' }))).toBe(false)
  })

  it('under Ctrl/Cmd+Enter, plain Enter is a new line', () => {
    expect(isSendKey('mod-enter', press())).toBe(false)
    expect(isSendKey('mod-enter', press({ ctrlKey: true }))).toBe(true)
    expect(isSendKey('mod-enter', press({ metaKey: true }))).toBe(true)
    expect(isSendKey('mod-enter', press({ metaKey: true, isComposing: true }))).toBe(false)
  })

  it('the placeholder says which key sends', () => {
    expect(sendKeyHint('enter')).toBe('Enter sends, Shift+Enter new line')
    expect(sendKeyHint('mod-enter')).toBe('Ctrl/Cmd+Enter sends, Enter new line')
  })
})
