import { describe, expect, it } from 'vitest'
import { testIo } from '../../test/support/io'
import { makeTempDir } from '../../test/support/tmp'
import { rdmaStatus } from '../core/rdma/native'
import { runCli } from './run'

const run = async (args: string[]) => {
  const io = testIo({ HOME: makeTempDir() })
  const code = await runCli([...args, '--data-dir', makeTempDir()], io)
  return { code, out: io.stdout(), err: io.stderr() }
}

describe('ollama-desk rdma', () => {
  const status = rdmaStatus()
  it.skipIf(status.ok)('says clearly there are no RDMA devices here, with the reason, and exits 0', async () => {
    const devices = await run(['rdma', 'devices'])
    expect(devices.code).toBe(0)
    expect(devices.out).toMatch(/^no RDMA devices \(.+\)\n$/)
    expect(devices.out).toContain(status.reason)
    expect(JSON.parse((await run(['rdma', 'devices', '--json'])).out)).toMatchObject({ available: false, devices: [] })
    expect(await run(['rdma', 'bench'])).toMatchObject({ code: 0, out: expect.stringMatching(/^no RDMA device \(/) })
  })

  it('refuses an unknown subcommand', async () => {
    expect(await run(['rdma', 'fly'])).toMatchObject({ code: 2, err: expect.stringContaining('devices, bench') })
  })
})
