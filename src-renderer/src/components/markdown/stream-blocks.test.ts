import { describe, expect, it } from 'vitest'
import { splitStreamBlocks } from './stream-blocks'

const joined = ({ done, tail }: { done: string[]; tail: string }): string => done.join('') + tail

describe('splitting a streaming reply into Markdown blocks', () => {
  it('ends a block at a blank line and keeps the text whole, byte for byte', () => {
    const text = '# Title\n\nFirst paragraph\nstill first.\n\nSecond para'
    const blocks = splitStreamBlocks(text)
    expect(blocks.done).toEqual(['# Title\n\n', 'First paragraph\nstill first.\n\n'])
    expect(blocks.tail).toBe('Second para')
    expect(joined(blocks)).toBe(text)
  })

  it('never cuts inside a code fence, even at blank lines, until the fence closes', () => {
    const open = 'Intro\n\n```js\nconst a = 1\n\nconst b = 2\n'
    expect(splitStreamBlocks(open)).toEqual({ done: ['Intro\n\n'], tail: '```js\nconst a = 1\n\nconst b = 2\n' })
    const closed = `${open}\`\`\`\n\nAfter`
    expect(splitStreamBlocks(closed)).toEqual({ done: ['Intro\n\n', '```js\nconst a = 1\n\nconst b = 2\n```\n\n'], tail: 'After' })
  })

  it('a fence closes only with the same character, at least as long; tildes and longer fences nest backticks', () => {
    const text = '~~~~\n```\n\n```\n~~~~\n\nnext'
    expect(splitStreamBlocks(text)).toEqual({ done: ['~~~~\n```\n\n```\n~~~~\n\n'], tail: 'next' })
  })

  it('keeps a loose list together: items after a blank line continue it', () => {
    const text = '- one\n\n- two\n\n  more of two\n\n1. a\n\n2. b\n\nAfter the lists\n\n'
    const blocks = splitStreamBlocks(text)
    expect(blocks.done).toEqual(['- one\n\n- two\n\n  more of two\n\n1. a\n\n2. b\n\n', 'After the lists\n\n'])
    expect(blocks.tail).toBe('')
  })

  it('a reply without blank lines is one growing block', () => {
    const text = 'word '.repeat(10_000)
    expect(splitStreamBlocks(text)).toEqual({ done: [], tail: text })
  })

  it('blank blocks are not blocks; Windows line ends and trailing spaces on blank lines still split', () => {
    expect(splitStreamBlocks('\n\n\nA\r\n  \r\nB').done).toEqual(['A\r\n  \r\n'])
  })
})
