import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createTestCore, type TestCore } from '../../../test/support/core'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { createLocalClient } from '../rpc'

const cores: TestCore[] = []
afterEach(async () => {
  for (const t of cores.splice(0)) await t.core.close()
  removeTempDirs()
})

/**
 * Issue 19.4: `sessions.import` trusted `stat().size`. A FIFO blocked the session store (and every
 * sessions.* call, server and CLI) until something wrote to it; /dev/zero grew the process until
 * the kernel killed it. Both are refused now, at once, and the good files still import.
 */
describe('sessions.import of paths that are not regular files', () => {
  it('refuses a FIFO and a device with what they are, imports the rest, and the store keeps answering', async () => {
    const t = createTestCore()
    cores.push(t)
    const api = createLocalClient(t.core.dispatcher, 'test')
    const dir = makeTempDir()
    const pipe = path.join(dir, 'conversations.json')
    execFileSync('mkfifo', [pipe])
    const good = path.join(dir, 'good.json')
    fs.writeFileSync(good, JSON.stringify({ session_id: 'cli-1', context_manager: { messages: [{ role: 'user', content: 'hello from the CLI' }] } }))

    const report = await api.call('sessions.import', { paths: [pipe, '/dev/zero', good] })
    expect(report).toMatchObject({
      ok: true,
      value: {
        imported: 1,
        errors: [
          { file: pipe, message: `The import file ${pipe} is a named pipe; only regular files can be read.` },
          { file: '/dev/zero', message: 'The import file /dev/zero is a device; only regular files can be read.' },
        ],
      },
    })
    const listed = await api.call('sessions.list', {})
    expect(listed).toMatchObject({ ok: true, value: { total: 1 } })
  })
})
