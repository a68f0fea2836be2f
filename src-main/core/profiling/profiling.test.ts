import fs from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { afterEach, describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { CpuProfiler, MarkRecorder, ProfileNotRunningError, ProfileRunningError, type InspectorSession, type PerformanceLike } from '.'

afterEach(() => removeTempDirs())

/** A clock the test moves by hand, recording what reached `performance`. */
function fakePerformance() {
  let now = 0
  const created: string[] = []
  const cleared: string[] = []
  const perf: PerformanceLike = {
    now: () => now,
    mark: (name) => void created.push(name),
    measure: (name) => void created.push(name),
    clearMarks: (name) => void cleared.push(String(name)),
    clearMeasures: (name) => void cleared.push(String(name)),
  }
  return { perf, created, cleared, advance: (ms: number) => void (now += ms) }
}

describe('MarkRecorder', () => {
  it('measures a span, newest first, and clears what it put in the performance timeline', () => {
    const fake = fakePerformance()
    const recorder = new MarkRecorder({ performance: fake.perf, wallClock: () => 1_700_000_000_000 })
    const outer = recorder.begin('startup.core')
    fake.advance(5)
    const inner = recorder.begin('startup.providers')
    fake.advance(2.5)
    inner.end()
    fake.advance(1)
    outer.end()
    outer.end() // a second end is ignored
    expect(recorder.recent()).toEqual([
      { name: 'startup.core', startTime: 0, duration: 8.5, at: 1_700_000_000_000, ok: true },
      { name: 'startup.providers', startTime: 5, duration: 2.5, at: 1_700_000_000_000, ok: true },
    ])
    expect(fake.created).toEqual(['startup.providers#1:start', 'startup.providers#1:end', 'startup.providers#1', 'startup.core#2:start', 'startup.core#2:end', 'startup.core#2'])
    expect(fake.cleared.sort()).toEqual([...fake.created].sort())
  })

  it('keeps only the newest entries once the ring is full', () => {
    const fake = fakePerformance()
    const recorder = new MarkRecorder({ capacity: 3, performance: fake.perf })
    for (let n = 1; n <= 7; n++) recorder.begin(`q${n}`).end()
    expect(recorder.recent().map((e) => e.name)).toEqual(['q7', 'q6', 'q5'])
    expect(recorder.recent(2).map((e) => e.name)).toEqual(['q7', 'q6'])
    recorder.clear()
    expect(recorder.recent()).toEqual([])
    expect(new MarkRecorder({ capacity: 0 }).capacity).toBe(1)
  })

  it('tracks a promise to settlement, marks failures, and hands back the same promise', async () => {
    const fake = fakePerformance()
    const recorder = new MarkRecorder({ performance: fake.perf })
    const good = Promise.resolve(42)
    expect(recorder.track('store.getSession', good)).toBe(good)
    await good
    const bad = Promise.reject(new Error('no such session'))
    await expect(recorder.track('store.getSession', bad)).rejects.toThrow('no such session')
    await new Promise((resolve) => setImmediate(resolve))
    expect(recorder.recent().map((e) => e.ok)).toEqual([false, true])
  })

  it('still records when the performance timeline throws, and leaves nothing in Node’s own buffer', () => {
    const fake = fakePerformance()
    const recorder = new MarkRecorder({ performance: { ...fake.perf, measure: () => { throw new Error('bad timing') } } })
    recorder.begin('chat.turn').end(false)
    expect(recorder.recent()).toHaveLength(1)

    const real = new MarkRecorder()
    real.begin('real.span').end()
    expect(real.recent()[0]?.duration).toBeGreaterThanOrEqual(0)
    expect(performance.getEntries().filter((e) => e.name.startsWith('real.span'))).toEqual([])
  })
})

describe('CpuProfiler', () => {
  it('profiles this process through the inspector and saves a .cpuprofile; a second start is refused', async () => {
    const dir = path.join(makeTempDir(), 'profiles')
    const profiler = new CpuProfiler({ dir, now: () => Date.UTC(2026, 0, 2, 3, 4, 5) })
    expect(profiler.status()).toEqual({ running: false })
    const started = await profiler.start()
    expect(started).toEqual({ running: true, startedAt: Date.UTC(2026, 0, 2, 3, 4, 5) })
    await expect(profiler.start()).rejects.toBeInstanceOf(ProfileRunningError)
    let sum = 0
    for (let i = 0; i < 200_000; i++) sum += Math.sqrt(i)
    expect(sum).toBeGreaterThan(0)
    const saved = await profiler.stop()
    expect(saved.running).toBe(false)
    expect(saved.path).toBe(path.join(dir, 'cpu-2026-01-02T03-04-05-000Z.cpuprofile'))
    const profile = JSON.parse(fs.readFileSync(saved.path!, 'utf8')) as { nodes: unknown[]; startTime: number; endTime: number }
    expect(profile.nodes.length).toBeGreaterThan(0)
    expect(profile.endTime).toBeGreaterThanOrEqual(profile.startTime)
    expect(saved.bytes).toBe(fs.statSync(saved.path!).size)
    await expect(profiler.stop()).rejects.toBeInstanceOf(ProfileNotRunningError)
  })

  it('refuses a start while another is still starting', async () => {
    let release: () => void = () => undefined
    const session: InspectorSession = { connect() {}, disconnect() {}, post: (async () => ({ profile: {} })) as InspectorSession['post'] }
    const profiler = new CpuProfiler({ dir: makeTempDir(), openSession: () => new Promise((resolve) => (release = () => resolve(session))) })
    const first = profiler.start()
    await expect(profiler.start()).rejects.toThrow('already running')
    release()
    await expect(first).resolves.toMatchObject({ running: true })
    profiler.close()
    expect(profiler.status()).toEqual({ running: false })
  })

  it('says the profiler could not start and leaves nothing running', async () => {
    let disconnected = 0
    const session = {
      connect() {},
      disconnect: () => void disconnected++,
      post: async (method: string) => {
        if (method === 'Profiler.start') throw new Error('inspector busy')
        return {}
      },
    } as unknown as InspectorSession
    const profiler = new CpuProfiler({ dir: makeTempDir(), openSession: async () => session })
    await expect(profiler.start()).rejects.toMatchObject({ code: 'E_INTERNAL', message: 'The CPU profiler could not start.' })
    expect(disconnected).toBe(1)
    expect(profiler.status()).toEqual({ running: false })
  })
})
