import { describe, expect, it } from 'vitest'
import { LOG_MESSAGE_KEEP } from '../../../src-shared/contract'
import type { SecretStore } from '../secrets'
import { RendererLogWriter, createLogger, scrubbingSecretStore } from '.'

function setup(options: { perMinute?: number; burst?: number } = {}) {
  const lines: string[] = []
  const logger = createLogger({ sink: { write: (line) => void lines.push(line) }, level: 'debug' })
  let now = 0
  const writer = new RendererLogWriter({ log: logger.log, scrubber: logger.scrubber, now: () => now, ...options })
  const entries = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>)
  return { writer, logger, entries, advance: (ms: number) => void (now += ms) }
}

describe('RendererLogWriter', () => {
  it('writes each line at its level as the renderer component, with its context kept apart', () => {
    const { writer, entries } = setup()
    const result = writer.write(
      [
        { level: 'error', message: 'render failed', source: 'error', context: { msg: 'cannot override', line: 12 } },
        { level: 'debug', message: 'detail' },
      ],
      'window-1',
    )
    expect(result).toEqual({ written: 2, dropped: 0, echo: [{ level: 'error', message: 'render failed' }, { level: 'debug', message: 'detail' }] })
    expect(entries()).toMatchObject([
      { level: 50, component: 'renderer', clientId: 'window-1', source: 'error', msg: 'render failed', context: { msg: 'cannot override', line: 12 } },
      { level: 20, component: 'renderer', source: 'app', msg: 'detail' },
    ])
  })

  it('cuts long messages and scrubs secrets out of the log and the echo', () => {
    const { writer, entries } = setup()
    const key = 'sk-abcdefghijklmnopqrstuvwxyz0123'
    const long = `${key} ${'x'.repeat(LOG_MESSAGE_KEEP + 500)}`
    const result = writer.write([{ level: 'warn', message: long, context: { apiKey: 'context-secret-value' } }], 'w')
    const echoed = result.echo[0]!.message
    expect(echoed).not.toContain(key)
    expect(echoed).toContain('more characters cut)')
    expect(echoed.length).toBeLessThan(LOG_MESSAGE_KEEP + 100)
    const text = JSON.stringify(entries())
    expect(text).not.toContain(key)
    expect(text).not.toContain('context-secret-value')
  })

  it('drops lines past the rate, says so once, and counts them when lines flow again', () => {
    const { writer, entries, advance } = setup({ burst: 3, perMinute: 60 })
    const batch = (n: number) => Array.from({ length: n }, (_, i) => ({ level: 'error' as const, message: `e${i}` }))
    expect(writer.write(batch(5), 'tab')).toMatchObject({ written: 3, dropped: 2 })
    expect(writer.write(batch(2), 'tab')).toMatchObject({ written: 0, dropped: 2 })
    // Another client has its own allowance.
    expect(writer.write(batch(1), 'other')).toMatchObject({ written: 1, dropped: 0 })
    advance(2000) // one line per second refills two
    expect(writer.write(batch(2), 'tab')).toMatchObject({ written: 2, dropped: 0 })
    const warnings = entries().filter((e) => e.level === 40)
    expect(warnings.map((e) => e.msg)).toEqual(['renderer is logging too fast; dropping lines for a while', 'renderer log lines were dropped'])
    expect(warnings[1]).toMatchObject({ dropped: 4, clientId: 'tab' })
  })

  it('forgets the oldest client past 64', () => {
    const { writer } = setup({ burst: 1 })
    writer.write([{ level: 'info', message: 'a' }], 'client-0')
    for (let n = 1; n <= 64; n++) writer.write([{ level: 'info', message: 'a' }], `client-${n}`)
    // client-0 was forgotten, so it gets a fresh allowance.
    expect(writer.write([{ level: 'info', message: 'b' }], 'client-0')).toMatchObject({ written: 1 })
    expect(writer.write([{ level: 'info', message: 'b' }], 'client-64')).toMatchObject({ written: 0, dropped: 1 })
  })
})

describe('scrubbingSecretStore', () => {
  it('registers every value saved or read before anyone can log it', () => {
    const backing = new Map<string, string>([['old', 'stored-by-an-earlier-run-1']])
    const store: SecretStore = { kind: 'file', get: (n) => backing.get(n), set: (n, v) => void backing.set(n, v), delete: (n) => void backing.delete(n) }
    const { scrubber } = createLogger({ sink: { write: () => undefined } })
    const wrapped = scrubbingSecretStore(store, scrubber)
    expect(wrapped.kind).toBe('file')
    wrapped.set('new', 'saved-just-now-secret-2')
    expect(scrubber.scrub('a saved-just-now-secret-2 b')).toBe('a [redacted] b')
    expect(scrubber.scrub('stored-by-an-earlier-run-1')).toBe('stored-by-an-earlier-run-1')
    expect(wrapped.get('old')).toBe('stored-by-an-earlier-run-1')
    expect(scrubber.scrub('stored-by-an-earlier-run-1')).toBe('[redacted]')
    expect(wrapped.get('missing')).toBeUndefined()
    wrapped.delete('new')
    expect(backing.has('new')).toBe(false)
  })
})
