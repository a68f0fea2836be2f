import { describe, expect, it } from 'vitest'
import { completeSlash, findSlash, messageText, parseSlash } from './slash'

describe('slash commands', () => {
  it('parses /name and its arguments; // sends a literal slash', () => {
    expect(parseSlash('/Model  ollama:llama3.2 ')).toEqual({ name: 'model', args: 'ollama:llama3.2' })
    expect(parseSlash('/history tax\nreturn')).toEqual({ name: 'history', args: 'tax\nreturn' })
    expect(parseSlash('hello /model')).toBeNull()
    expect(parseSlash('//etc/hosts is a file')).toBeNull()
    expect(messageText('//etc/hosts is a file')).toBe('/etc/hosts is a file')
  })

  it('finds commands by name and alias, and completes a typed prefix', () => {
    expect(findSlash('exit')?.name).toBe('quit')
    expect(findSlash('?')?.name).toBe('help')
    expect(findSlash('nope')).toBeUndefined()
    expect(completeSlash('/mo').map((s) => s.name)).toEqual(['model'])
    expect(completeSlash('/model x')).toEqual([])
    expect(completeSlash('hi')).toEqual([])
  })
})
