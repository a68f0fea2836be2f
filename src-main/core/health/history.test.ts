import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { HealthPoint } from '../../../src-shared/contract'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { silentLogger } from '../log'
import { HealthHistory } from './history'

const HOUR = 3_600_000
let file: string
beforeEach(() => {
  file = path.join(makeTempDir('history-'), 'health-history.jsonl')
})
afterEach(removeTempDirs)

const point = (t: number, providerId = 'p', ok = true): HealthPoint => ({ t, providerId, kind: 'probe', ok, latencyMs: 12, ttftMs: null, tokensPerSec: null })
const lines = () => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean)

describe('HealthHistory', () => {
  it('appends points to a JSON-lines file and reads them back after a restart', () => {
    const now = 100 * HOUR
    const history = new HealthHistory({ file, now: () => now, log: silentLogger() })
    history.append(point(now - 2000, 'a'))
    history.append(point(now - 1000, 'b', false))
    expect(lines()).toHaveLength(2)
    const reopened = new HealthHistory({ file, now: () => now, log: silentLogger() })
    expect(reopened.since(0)).toEqual([point(now - 2000, 'a'), point(now - 1000, 'b', false)])
    expect(reopened.since(now - 1500)).toEqual([point(now - 1000, 'b', false)])
    expect(reopened.since(0, 'a')).toEqual([point(now - 2000, 'a')])
  })

  it('drops points older than 24 hours when opened', () => {
    const now = 100 * HOUR
    fs.writeFileSync(file, [point(now - 25 * HOUR), point(now - 23 * HOUR)].map((p) => JSON.stringify(p)).join('\n') + '\n')
    const history = new HealthHistory({ file, now: () => now, log: silentLogger() })
    expect(history.since(0).map((p) => p.t)).toEqual([now - 23 * HOUR])
    expect(lines()).toHaveLength(1)
  })

  it('prunes hourly while running', () => {
    let now = 100 * HOUR
    const history = new HealthHistory({ file, now: () => now, log: silentLogger() })
    history.append(point(now))
    now += 24 * HOUR + 1
    history.append(point(now))
    expect(history.since(0).map((p) => p.t)).toEqual([now])
    expect(lines()).toHaveLength(1)
  })

  it('skips a corrupt line and keeps the rest', () => {
    const now = 100 * HOUR
    const warnings: unknown[] = []
    fs.writeFileSync(file, `${JSON.stringify(point(now - 10))}\n{"t":12,"provid\n${JSON.stringify({ t: now, providerId: 'p' })}\n${JSON.stringify(point(now - 5))}\n`)
    const history = new HealthHistory({ file, now: () => now, log: { warn: (obj: unknown) => warnings.push(obj) } as unknown as ReturnType<typeof silentLogger> })
    expect(history.since(0).map((p) => p.t)).toEqual([now - 10, now - 5])
    expect(warnings).toEqual([expect.objectContaining({ skipped: 2 })])
    expect(lines()).toHaveLength(2)
  })

  it('keeps the file under its size limit by dropping the oldest points', () => {
    const now = 100 * HOUR
    const size = Buffer.byteLength(`${JSON.stringify(point(now))}\n`)
    const history = new HealthHistory({ file, now: () => now, log: silentLogger(), maxBytes: size * 10 })
    for (let i = 0; i < 30; i++) history.append(point(now - 1000 + i))
    expect(fs.statSync(file).size).toBeLessThanOrEqual(size * 10)
    const kept = history.since(0)
    expect(kept.length).toBeLessThanOrEqual(10)
    expect(kept.at(-1)!.t).toBe(now - 1000 + 29)
    expect(lines()).toHaveLength(kept.length)
  })

  it('rejects a malformed point', () => {
    const history = new HealthHistory({ file, now: () => 0, log: silentLogger() })
    expect(() => history.append({ ...point(1), kind: 'guess' } as unknown as HealthPoint)).toThrow(/Not a health point/)
    expect(history.since(0)).toEqual([])
  })
})
