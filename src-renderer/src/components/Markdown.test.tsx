import { render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { Markdown } from './Markdown'

describe('Markdown replies', () => {
  it('renders GFM tables and highlighted code blocks with a copy button', async () => {
    const writeText = vi.fn(() => Promise.resolve())
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true })
    const { container } = render(<Markdown text={'| Name | Size |\n| --- | --- |\n| llama | 2 GB |\n\n```ts\nconst a: number = 1\n```'} />)
    const table = screen.getByRole('table')
    expect(within(table).getAllByRole('columnheader').map((th) => th.textContent)).toEqual(['Name', 'Size'])
    expect(within(table).getByRole('cell', { name: 'llama' })).toBeTruthy()
    const pre = container.querySelector('pre')!
    expect(pre.getAttribute('data-lang')).toBe('ts')
    // highlight.js arrives as its own chunk on the first code block.
    await waitFor(() => expect(pre.querySelector('code.hljs .hljs-keyword')?.textContent).toBe('const'))
    await userEvent.click(screen.getByRole('button', { name: 'Copy code' }))
    expect(writeText).toHaveBeenCalledWith('const a: number = 1')
    await waitFor(() => expect(screen.getByText('Copied')).toBeTruthy())
  })

  it('never renders raw HTML from the model', () => {
    const { container } = render(<Markdown text={'Hi <script>window.pwned = 1</script>\n\n<img src="x" onerror="window.pwned = 2">\n\n<b>bold?</b> [link](javascript:alert(1))'} />)
    expect(container.querySelector('script')).toBeNull()
    expect(container.querySelector('img')).toBeNull()
    expect(container.querySelector('b')).toBeNull()
    expect(container.querySelector('[onerror]')).toBeNull()
    // The unsafe link is its text only: no anchor to click (an emptied href would reopen the app).
    expect(container.querySelector('a')).toBeNull()
    expect(container.textContent).toContain('link')
    expect((window as unknown as { pwned?: number }).pwned).toBeUndefined()
  })

  it('never loads an image from a reply: its alt text and address show instead', () => {
    const pixel = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='
    const { container } = render(<Markdown text={`![tracker](http://127.0.0.1:9/pixel.png) ![own](/api/sessions) ![dot](${pixel})`} />)
    expect(container.querySelector('img')).toBeNull()
    expect(container.textContent).toContain('[image: tracker] http://127.0.0.1:9/pixel.png')
    expect(container.textContent).toContain('[image: own] /api/sessions')
    expect(container.textContent).toContain('[image: dot]')
  })
})
