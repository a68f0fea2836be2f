import { describe, expect, it } from 'vitest'
import { checkRatios } from '../bench/check'

describe('bench:check', () => {
  it('passes ratios within their ceilings and floors, and skips ones not measured', () => {
    const { ok, lines } = checkRatios(new Map([['cli --version', 4.2], ['TcpTransport/raw net', 0.95]]), { 'cli --version': 5, 'TcpTransport/raw net': { min: 0.8 }, 'serve cold start': 6 })
    expect(ok).toBe(true)
    expect(lines).toEqual(['check: cli --version: 4.20x ≤ 5x ok', 'check: TcpTransport/raw net: 0.95x ≥ 0.8x ok', 'check: serve cold start: not measured in this run (skipped)'])
  })

  it('fails when a ratio passes its bound in either direction', () => {
    expect(checkRatios(new Map([['cli --version', 5.01]]), { 'cli --version': 5 })).toEqual({ ok: false, lines: ['check: cli --version: 5.01x > 5x REGRESSION'] })
    expect(checkRatios(new Map([['TcpTransport/raw net', 0.7]]), { 'TcpTransport/raw net': { min: 0.8 } }).ok).toBe(false)
  })
})
