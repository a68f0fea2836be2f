import { render } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { Markdown, StreamingMarkdown } from '../Markdown'
import { PLAIN_TAIL_CHARS } from './stream-blocks'

const REPLY = '# Plan\n\nFirst, **read** the [docs](https://example.org).\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```ts\nconst x = 1\n\nconst y = 2\n```\n\nDone with `code`.'

describe('a reply while it streams', () => {
  it('looks the same as the finished reply, block for block', () => {
    const streaming = render(<StreamingMarkdown text={REPLY} />).container.innerHTML
    const finished = render(<Markdown text={REPLY} />).container.innerHTML
    expect(streaming.replace(/>\s+</g, '><')).toBe(finished.replace(/>\s+</g, '><'))
  })

  it('renders every prefix of the reply without losing or doubling text', () => {
    for (let end = 1; end <= REPLY.length; end += 7) {
      const { container, unmount } = render(<StreamingMarkdown text={REPLY.slice(0, end)} />)
      const visible = container.textContent ?? ''
      // Every word typed so far is on screen exactly as often as in the text.
      for (const word of ['Plan', 'read', 'one', 'two', 'const']) {
        const typed = REPLY.slice(0, end).split(word).length - 1
        expect(visible.split(word).length - 1, `${word} after ${end} characters`).toBe(typed)
      }
      unmount()
    }
  })

  it('a finished block is not rendered again when more text arrives (its DOM nodes stay the same)', () => {
    const { container, rerender } = render(<StreamingMarkdown text={'First block.\n\nSecond'} />)
    const first = container.querySelector('p')!
    rerender(<StreamingMarkdown text={'First block.\n\nSecond block grows'} />)
    expect(container.querySelector('p')).toBe(first)
    expect(container.textContent).toContain('Second block grows')
  })

  it('shows a very long growing block as plain text until it is finished', () => {
    const long = `**bold** ${'word '.repeat(PLAIN_TAIL_CHARS / 5 + 10)}`
    const { container, rerender } = render(<StreamingMarkdown text={long} />)
    expect(container.querySelector('p.streaming-plain')?.textContent).toBe(long)
    expect(container.querySelector('strong')).toBeNull()
    rerender(<StreamingMarkdown text={`${long}\n\nNext`} />)
    expect(container.querySelector('strong')?.textContent).toBe('bold')
    expect(container.querySelector('p.streaming-plain')).toBeNull()
  })
})
