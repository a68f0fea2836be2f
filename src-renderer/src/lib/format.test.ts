import { describe, expect, it, vi } from 'vitest'
import { downloadText } from './download'
import { dayEnd, dayStart, formatBytes, formatCost, formatWhen, plural } from './format'
import { splitCodeFences } from './message-text'

describe('formatting', () => {
  it('says sizes, costs and counts plainly', () => {
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(2_500_000)).toBe('2.4 MB')
    expect(formatBytes(50 * 1024 ** 3)).toBe('50 GB')
    expect(formatCost(0)).toBe('$0')
    expect(formatCost(1.234)).toBe('$1.23')
    expect(formatCost(0.000123)).toBe('$0.00012')
    expect(formatCost(0.0004)).toBe('$0.0004')
    expect(formatCost(0.0012)).toBe('$0.0012')
    expect(plural(1, 'session')).toBe('1 session')
    expect(plural(1200, 'session')).toBe('1,200 sessions')
  })

  it('shows a time today, a day this year, a full date before', () => {
    const now = new Date(2025, 5, 15, 12).getTime()
    expect(formatWhen(new Date(2025, 5, 15, 9, 5).getTime(), now)).toMatch(/9:05|09:05/)
    expect(formatWhen(new Date(2025, 0, 2).getTime(), now)).not.toMatch(/2025/)
    expect(formatWhen(new Date(2023, 0, 2).getTime(), now)).toMatch(/2023/)
  })

  it('turns date inputs into a whole-day range', () => {
    expect(dayStart('')).toBeUndefined()
    expect(dayEnd('nonsense')).toBeUndefined()
    expect(dayStart('2025-03-01')).toBe(new Date(2025, 2, 1).getTime())
    expect(dayEnd('2025-03-31')).toBe(new Date(2025, 3, 1).getTime())
  })
})

describe('code fences', () => {
  it('splits prose from fenced code, keeping the language', () => {
    expect(splitCodeFences('Try this:\n```ts\nconst a = 1\n\nconst b = 2\n```\nDone.')).toEqual([
      { kind: 'text', text: 'Try this:' },
      { kind: 'code', lang: 'ts', code: 'const a = 1\n\nconst b = 2' },
      { kind: 'text', text: 'Done.' },
    ])
  })

  it('runs an unclosed fence to the end and needs a matching fence to close', () => {
    expect(splitCodeFences('````\n```\nstill code')).toEqual([{ kind: 'code', lang: '', code: '```\nstill code' }])
    expect(splitCodeFences('~~~\nx\n~~~')).toEqual([{ kind: 'code', lang: '', code: 'x' }])
    expect(splitCodeFences('line one\nline two')).toEqual([{ kind: 'text', text: 'line one\nline two' }])
    expect(splitCodeFences('')).toEqual([])
  })
})

describe('download', () => {
  it('saves through a Blob URL and an <a download>, then revokes the URL', () => {
    vi.useFakeTimers()
    const create = vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:x')
    const revoke = vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined)
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      expect(this.download).toBe('notes.md')
      expect(this.href).toBe('blob:x')
    })
    downloadText('notes.md', 'text/markdown', '# Hi')
    expect(click).toHaveBeenCalledOnce()
    expect((create.mock.calls[0]![0] as Blob).type).toBe('text/markdown')
    expect(document.querySelector('a[download]')).toBeNull()
    vi.runAllTimers()
    expect(revoke).toHaveBeenCalledWith('blob:x')
    vi.useRealTimers()
    vi.restoreAllMocks()
  })
})
