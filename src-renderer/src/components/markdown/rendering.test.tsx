import { render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { CollapsibleMessage } from '../CollapsibleMessage'
import { Markdown } from '../Markdown'
import { PREVIEW_CSP, previewDocument } from './CodeBlockPreview'

const katexCount = (container: HTMLElement): number => container.querySelectorAll('.katex').length

describe('math in replies', () => {
  it('renders $…$, $$…$$, \\(…\\) and \\[…\\] with KaTeX', async () => {
    const { container } = render(<Markdown text={'Inline $a^2$ and \\(b_1\\).\n\n$$\n\\int_0^1 x\\,dx\n$$\n\nAlso:\n\\[c = \\sqrt{d}\\]'} />)
    await waitFor(() => expect(katexCount(container)).toBe(4))
    expect(container.querySelectorAll('.katex-display')).toHaveLength(2)
    // MathML for screen readers, with the formula's source as its annotation.
    expect(container.querySelector('annotation')?.textContent).toBe('a^2')
    expect(container.textContent).not.toContain('\\(')
  })

  it('leaves math delimiters inside code alone', async () => {
    const { container } = render(<Markdown text={'Math $x$ here.\n\n```tex\n$y$ \\(z\\)\n```\n\nand `$w$`'} />)
    await waitFor(() => expect(katexCount(container)).toBe(1))
    expect(container.querySelector('pre')!.textContent).toBe('$y$ \\(z\\)\n')
    expect(screen.getByText('$w$').tagName).toBe('CODE')
  })

  it('runs KaTeX untrusted: \\href and \\url make no link, \\htmlClass no markup', async () => {
    const { container } = render(<Markdown text={'$\\href{javascript:alert(1)}{click}$ $\\url{http://127.0.0.1:9/x}$ $\\htmlId{pwn}{x}$ $ok$'} />)
    await waitFor(() => expect(container.querySelectorAll('.katex, .katex-error').length).toBeGreaterThanOrEqual(4))
    expect(container.querySelector('a')).toBeNull()
    expect(container.querySelector('#pwn')).toBeNull()
  })
})

describe('Mermaid blocks', () => {
  it('shows the source and the error when the diagram cannot be drawn', async () => {
    const { container } = render(<Markdown text={'```mermaid\ngraph TD\n  A -->\n```'} />)
    expect(screen.getByRole('tab', { name: 'Diagram' }).getAttribute('aria-selected')).toBe('true')
    const error = await screen.findByText(/Mermaid could not draw this diagram: .+/)
    const pre = container.querySelector('pre')!
    expect(pre.textContent).toBe('graph TD\n  A -->\n')
    expect(pre.getAttribute('aria-describedby')).toBe(error.id)
    expect(container.querySelector('img')).toBeNull()
  })

  it('does not draw (nor report errors for) a block still streaming in', async () => {
    const { container, rerender } = render(<Markdown text={'Here:\n\n```mermaid\ngraph TD\n  A -->'} />)
    screen.getByText('The diagram is drawn when the block is complete.')
    rerender(<Markdown text={'Here:\n\n```mermaid\ngraph TD\n  A --> B'} />)
    screen.getByText('The diagram is drawn when the block is complete.')
    expect(container.textContent).not.toContain('could not draw')
    // Once the fence closes it is drawn (here a broken one, so its error shows).
    rerender(<Markdown text={'Here:\n\n```mermaid\ngraph TD\n  A -->\n```\n'} />)
    await screen.findByText(/Mermaid could not draw this diagram/)
  })

  it('the Source tab shows the diagram text as code', async () => {
    render(<Markdown text={'```mermaid\ngraph TD\n  A --> B\n```'} />)
    await userEvent.click(screen.getByRole('tab', { name: 'Source' }))
    expect(screen.getByRole('tab', { name: 'Source' }).getAttribute('aria-selected')).toBe('true')
    expect(document.querySelector('pre[data-lang="mermaid"]')!.textContent).toBe('graph TD\n  A --> B\n')
  })
})

describe('HTML and SVG previews', () => {
  it('an HTML block shows its code first and a sandboxed, network-less preview on the Preview tab', async () => {
    const { container } = render(<Markdown text={'```html\n<h1>Hi</h1><script>parent.pwned = 1</script>\n```'} />)
    expect(container.querySelector('iframe')).toBeNull()
    await userEvent.click(screen.getByRole('tab', { name: 'Preview' }))
    const frame = screen.getByTitle('HTML preview') as HTMLIFrameElement
    expect(frame.getAttribute('sandbox')).toBe('')
    const doc = frame.getAttribute('srcdoc')!
    // The policy comes before anything from the model.
    expect(doc.indexOf(`content="${PREVIEW_CSP}"`)).toBeGreaterThan(0)
    expect(doc.indexOf(PREVIEW_CSP)).toBeLessThan(doc.indexOf('<h1>Hi</h1>'))
    expect((window as { pwned?: number }).pwned).toBeUndefined()
    await userEvent.click(screen.getByRole('tab', { name: 'Code' }))
    expect(container.querySelector('iframe')).toBeNull()
  })

  it('an SVG block gets a preview too; other languages get no tabs', async () => {
    render(<Markdown text={'```svg\n<svg viewBox="0 0 10 10"><circle r="4"/></svg>\n```\n\n```js\nlet a\n```'} />)
    expect(screen.getAllByRole('tablist')).toHaveLength(1)
    await userEvent.click(within(screen.getByRole('tablist')).getByRole('tab', { name: 'Preview' }))
    // The SVG is an image in the frame (no script, link or load), given the namespace an image needs.
    const doc = new DOMParser().parseFromString(screen.getByTitle('SVG preview').getAttribute('srcdoc')!, 'text/html')
    const src = doc.querySelector('img')!.getAttribute('src')!
    expect(decodeURIComponent(src.replace(/^data:image\/svg\+xml;charset=utf-8,/, ''))).toBe('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle r="4"/></svg>')
  })

  it('the preview policy allows no request of any kind', () => {
    expect(PREVIEW_CSP).toMatch(/^default-src 'none';/)
    expect(PREVIEW_CSP).not.toMatch(/script-src|connect-src|http|'self'/)
    expect(previewDocument('html', '<p>x</p>')).toMatch(/^<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy"/)
  })
})

describe('long user messages', () => {
  it('collapse past twelve lines with Show more / Show less, keeping all the text in the page', async () => {
    const text = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n')
    const { container } = render(<CollapsibleMessage text={text} />)
    const toggle = screen.getByRole('button', { name: 'Show more' })
    expect(toggle.getAttribute('aria-expanded')).toBe('false')
    expect(container.querySelector('.collapsible.collapsed')).not.toBeNull()
    expect(container.textContent).toContain('line 30')
    await userEvent.click(toggle)
    expect(screen.getByRole('button', { name: 'Show less' }).getAttribute('aria-expanded')).toBe('true')
    expect(container.querySelector('.collapsible.open')).not.toBeNull()
  })

  it('collapse past 1,500 characters on one line; short messages have no toggle', () => {
    render(<CollapsibleMessage text={'x'.repeat(1501)} />)
    screen.getByRole('button', { name: 'Show more' })
    const { container } = render(<CollapsibleMessage text={Array.from({ length: 12 }, () => 'short').join('\n')} />)
    expect(within(container).queryByRole('button')).toBeNull()
  })
})
