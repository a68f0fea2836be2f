import { render } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { HIGHLIGHT_END as E, HIGHLIGHT_START as S } from '../../../src-shared/contract'
import { Snippet, snippetParts } from './Snippet'

describe('search snippets', () => {
  it('splits at the markers', () => {
    expect(snippetParts(`…the ${S}sourdough${E} ${S}starter${E} smells`)).toEqual([
      { text: '…the ', marked: false },
      { text: 'sourdough', marked: true },
      { text: ' ', marked: false },
      { text: 'starter', marked: true },
      { text: ' smells', marked: false },
    ])
    expect(snippetParts(`${E}stray ${S}open`)).toEqual([{ text: 'stray ', marked: false }, { text: 'open', marked: true }])
    expect(snippetParts('')).toEqual([])
  })

  it('renders marks as <mark> and everything else as text', () => {
    const { container } = render(<Snippet text={`<b onclick="x()">${S}bold${E}</b>`} />)
    expect(container.querySelectorAll('mark')).toHaveLength(1)
    expect(container.querySelector('b')).toBeNull()
    expect(container.textContent).toBe('<b onclick="x()">bold</b>')
  })
})
