import { afterEach, describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { testServiceOptions } from './testdata/service-options'
import { ClusterService } from './service'

const running: ClusterService[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((service) => service.stop()))
  removeTempDirs()
})

async function serving(dataDir: string, now: () => number) {
  const service = new ClusterService(testServiceOptions(dataDir, { now }))
  running.push(service)
  return { service, address: await service.start({ host: '127.0.0.1', port: 0 }) }
}

describe('a sweep of wrong codes against serve (issue 26)', () => {
  it('stops at the budget, with a fresh code shown before every try and across a restart', async () => {
    let time = 1_000_000
    const now = () => time
    const dataDir = makeTempDir()
    let target = await serving(dataDir, now)
    const attacker = await serving(makeTempDir(), now)
    const reasons: string[] = []
    for (let attempt = 0; attempt < 14; attempt += 1) {
      if (attempt === 7) {
        await target.service.stop()
        target = await serving(dataDir, now)
      }
      const { code } = target.service.showPairingCode()
      const wrong = code === '000000' ? '000001' : '000000'
      const failure = await attacker.service.pair(target.address, wrong).then(() => 'paired', (error: { reason?: string }) => error.reason ?? 'other')
      reasons.push(failure)
      time += 60 * 60 * 1000 // an hour between tries: past every back-off below the budget (the longest is 32 minutes)
    }
    expect(reasons.slice(0, 10)).toEqual(Array(10).fill('wrong-code'))
    // Past the budget: one try a day.
    expect(reasons.slice(10)).toEqual(Array(4).fill('locked'))
    expect(attacker.service.peersStore.list()).toEqual([])
  })
})
