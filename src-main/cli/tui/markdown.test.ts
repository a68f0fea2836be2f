import { describe, expect, it } from 'vitest'
import { inlineSegments, markdownLines, plain } from './markdown'

describe('terminal Markdown', () => {
  it('styles inline code, bold, italic and links without their marks', () => {
    const segments = inlineSegments('Run `npm test`, **now**, _please_ — see [docs](https://x.test/a).')
    expect(segments.map((s) => s.text).join('')).toBe('Run npm test, now, please — see docs (https://x.test/a).')
    expect(segments.find((s) => s.text === 'npm test')).toMatchObject({ color: 'cyan' })
    expect(segments.find((s) => s.text === 'now')).toMatchObject({ bold: true })
    expect(segments.find((s) => s.text === 'please')).toMatchObject({ italic: true })
    expect(inlineSegments('snake_case_name stays').map((s) => s.text).join('')).toBe('snake_case_name stays')
  })

  it('draws headings, bullets, quotes and fenced code, even a fence still streaming', () => {
    const lines = markdownLines('# Title\n- item **one**\n> quoted\n```ts\nconst a = 1\n```\nafter\n```py\nprint(1)').map(plain)
    expect(lines).toEqual(['Title', '• item one', '▏ quoted', '╭ ts', '│ const a = 1', 'after', '╭ py', '│ print(1)'])
  })

  it('shows HTML as text', () => {
    expect(markdownLines('<script>alert(1)</script>').map(plain)).toEqual(['<script>alert(1)</script>'])
  })
})
