import { describe, expect, it } from 'vitest'
import { hashFor, screenFromHash, sessionFromHash } from './app-store'

describe('addresses', () => {
  it('reads the screen, with or without a session after it', () => {
    expect(screenFromHash('#/sessions')).toBe('sessions')
    expect(screenFromHash('#/chat/abc')).toBe('chat')
    expect(screenFromHash('')).toBe('chat')
    expect(screenFromHash('#/nope')).toBe('chat')
  })

  it('reads the open session only from a Chat address', () => {
    expect(sessionFromHash('#/chat/0190a1b2-aaaa')).toBe('0190a1b2-aaaa')
    expect(sessionFromHash('#/chat/a%20b')).toBe('a b')
    expect(sessionFromHash('#/chat/%E0%A4%A')).toBeUndefined()
    expect(sessionFromHash('#/chat')).toBeUndefined()
    expect(sessionFromHash('#/sessions/abc')).toBeUndefined()
  })

  it('writes addresses that read back the same', () => {
    expect(hashFor('sessions', 'abc')).toBe('#/sessions')
    expect(hashFor('chat')).toBe('#/chat')
    expect(hashFor('chat', 'a b/c')).toBe('#/chat/a%20b%2Fc')
    expect(sessionFromHash(hashFor('chat', 'a b/c'))).toBe('a b/c')
  })
})
