import { describe, expect, it, vi } from 'vitest'
import type { Result } from '../../src-shared/contract'
import { testIo } from '../../test/support/io'

// The doctor command's own logic (exit codes, summary line), over a core that answers as told.
const answer = vi.hoisted(() => ({ result: undefined as unknown, closed: 0 }))
vi.mock('./runtime', () => ({
  openCore: () => ({
    dispatcher: { call: async () => answer.result },
    close: () => void answer.closed++,
  }),
}))

const { runCli } = await import('./run')

const check = (id: string, status: 'ok' | 'warn' | 'fail') => ({ id, title: id.toUpperCase(), status, detail: `${id} detail`, hint: `${id} hint` })

describe('doctor command summary', () => {
  it('counts several failures in one line', async () => {
    answer.result = { ok: true, value: { checks: [check('a', 'fail'), check('b', 'warn'), check('c', 'fail')] } } satisfies Result<unknown>
    const io = testIo()
    expect(await runCli(['doctor'], io)).toBe(1)
    expect(io.stderr()).toBe('\n2 checks failed: A a detail; C c detail\n')
    expect(io.stdout()).toContain('warn  B  b detail\n         hint: b hint')
  })

  it('exits 1 with the message when the core cannot run the checks, and always closes the core', async () => {
    answer.closed = 0
    answer.result = { ok: false, error: { code: 'E_INTERNAL', message: 'doctor broke', retryable: false } } satisfies Result<unknown>
    const io = testIo()
    expect(await runCli(['doctor'], io)).toBe(1)
    expect(io.stderr()).toBe('error: doctor broke\n')
    expect(answer.closed).toBe(1)
  })

  it('a thrown non-Error still gives exit 1 and a message', async () => {
    answer.result = Promise.reject('plain string failure')
    const io = testIo()
    expect(await runCli(['doctor'], io)).toBe(1)
    expect(io.stderr()).toBe('error: plain string failure\n')
  })
})
