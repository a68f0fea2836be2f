import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { AnalyticsSentEvent } from '../../../src-shared/contract'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { SentLog } from './sent-log'

afterEach(() => removeTempDirs())

const entry = (at: number): AnalyticsSentEvent => ({ at, type: 'feature_used', fields: { feature: 'mcp' }, installId: 'id', endpoint: 'http://127.0.0.1:9/e', outcome: 'sent' })

describe('SentLog', () => {
  it('reads nothing before the first write, then newest first with a limit', async () => {
    const log = new SentLog({ file: path.join(makeTempDir(), 'sent.jsonl') })
    expect(await log.read()).toEqual([])
    await log.append([entry(1), entry(2)])
    await log.append([entry(3)])
    expect((await log.read()).map((e) => e.at)).toEqual([3, 2, 1])
    expect((await log.read(2)).map((e) => e.at)).toEqual([3, 2])
  })

  it('stays bounded: past a quarter over the cap it keeps only the newest entries', async () => {
    const file = path.join(makeTempDir(), 'sent.jsonl')
    const log = new SentLog({ file, maxEntries: 8 })
    for (let at = 1; at <= 10; at++) await log.append([entry(at)])
    expect(fs.readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(10)
    await log.append([entry(11)])
    expect((await log.read()).map((e) => e.at)).toEqual([11, 10, 9, 8, 7, 6, 5, 4])
    expect(fs.readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(8)
  })

  it('skips torn or foreign lines instead of failing the whole page', async () => {
    const file = path.join(makeTempDir(), 'sent.jsonl')
    fs.writeFileSync(file, `${JSON.stringify(entry(1))}\n{"at":2,"ty\nnot json\n${JSON.stringify({ at: 3 })}\n`)
    const log = new SentLog({ file })
    await log.append([entry(4)])
    expect((await log.read()).map((e) => e.at)).toEqual([4, 1])
  })

  it('reports a write that fails and keeps accepting later ones', async () => {
    const dir = makeTempDir()
    const errors: unknown[] = []
    const log = new SentLog({ file: path.join(dir, 'missing', 'sent.jsonl'), onError: (error) => errors.push(error) })
    await expect(log.append([entry(1)])).resolves.toBeUndefined()
    expect(errors).toHaveLength(1)
    fs.mkdirSync(path.join(dir, 'missing'))
    await log.append([entry(2)])
    expect((await log.read()).map((e) => e.at)).toEqual([2])
  })

  it('a log that cannot be read is an error for the reader', async () => {
    const dir = makeTempDir()
    const log = new SentLog({ file: dir })
    await expect(log.read()).rejects.toMatchObject({ code: 'EISDIR' })
  })
})
