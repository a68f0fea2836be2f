import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { WAIT_CEILING_MS } from './support/patient-waits'

/**
 * The suite must pass on a busy 2-core CI machine, and a run must leave the tree clean. These checks
 * read the test sources for the patterns that made tests flaky before: an assertion on elapsed
 * time, a wait or test timeout cut below the shared ceiling, screenshots written into the
 * committed folder. Each check is tested on a planted line, so it cannot pass by finding nothing.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const TEST_TIMEOUT_MS = 60_000
const E2E_WAIT_MS = 60_000

const tracked = (): string[] => execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean)
const isUnitTest = (file: string) => /\.test\.tsx?$/.test(file)
const isE2e = (file: string) => /^e2e\/.*\.ts$/.test(file)
const number = (text: string) => Number(text.replace(/_/g, ''))

interface Finding {
  line: number
  text: string
  why: string
}

/** `expect(Date.now() - started).toBeLessThan(200)` and its kin: how fast, not what happened. */
function elapsedTimeAssertions(source: string): Finding[] {
  return lines(source).flatMap(({ line, text }) =>
    /expect\([^)]*\b(Date\.now|performance\.now|process\.hrtime)\(/.test(text) ? [{ line, text, why: 'asserts on elapsed wall-clock time' }] : [],
  )
}

/** An explicit `timeout` on a wait, or a per-test timeout, below the shared ceilings. */
function shortTimeouts(source: string, e2e: boolean): Finding[] {
  return lines(source).flatMap(({ line, text }) => {
    const found: Finding[] = []
    const wait = /(waitFor|poll|findBy\w+|findAllBy\w+)\(.*\btimeout: ([\d_]+)/.exec(text)
    const waitFloor = e2e ? E2E_WAIT_MS : WAIT_CEILING_MS
    if (wait && number(wait[2]!) < waitFloor) found.push({ line, text, why: `wait timeout below ${waitFloor} ms` })
    const e2eWait = e2e && /\.waitFor\(\{[^}]*\btimeout: ([\d_]+)/.exec(text)
    if (e2eWait && !wait && number(e2eWait[1]!) < E2E_WAIT_MS) found.push({ line, text, why: `e2e wait below ${E2E_WAIT_MS} ms` })
    const perTest = !e2e && /^\s*\}?\)?,\s*([\d_]+)\)\s*$/.exec(text)
    if (perTest && number(perTest[1]!) < TEST_TIMEOUT_MS) found.push({ line, text, why: `test timeout below the ${TEST_TIMEOUT_MS} ms default` })
    return found
  })
}

function lines(source: string): { line: number; text: string }[] {
  return source.split('\n').map((text, i) => ({ line: i + 1, text }))
}

function scan(files: string[], check: (source: string, file: string) => Finding[]): string[] {
  return files.flatMap((file) => check(fs.readFileSync(path.join(root, file), 'utf8'), file).map((f) => `${file}:${f.line}: ${f.why}: ${f.text.trim()}`))
}

describe('test hygiene', () => {
  const files = tracked().filter((file) => fs.existsSync(path.join(root, file)))
  // This file plants the patterns it looks for.
  const tests = files.filter((file) => (isUnitTest(file) || isE2e(file)) && file !== 'test/test-hygiene.test.ts')

  it('no test asserts how fast something happened', () => {
    expect(scan(tests, (source) => elapsedTimeAssertions(source))).toEqual([])
  })

  it('no wait or test timeout is cut below the shared ceilings', () => {
    expect(scan(tests, (source, file) => shortTimeouts(source, isE2e(file)))).toEqual([])
  })

  it('catches the planted patterns', () => {
    expect(elapsedTimeAssertions('    expect(Date.now() - started).toBeLessThan(200)')).toHaveLength(1)
    expect(elapsedTimeAssertions('    expect(performance.now() - t0).toBeLessThan(5)')).toHaveLength(1)
    expect(elapsedTimeAssertions('    expect(result.durationMs).toBeGreaterThan(0)')).toEqual([])
    expect(shortTimeouts('  await expect.poll(() => state(), { timeout: 10_000 }).toBe(1)', false)).toHaveLength(1)
    expect(shortTimeouts('  await vi.waitFor(() => check(), { timeout: 500 })', false)).toHaveLength(1)
    expect(shortTimeouts('  }, 30_000)', false)).toHaveLength(1)
    expect(shortTimeouts('  }, 120_000)', false)).toEqual([])
    expect(shortTimeouts("    await row.waitFor({ state: 'visible', timeout: 20_000 })", true)).toHaveLength(1)
    expect(shortTimeouts('    await row.waitFor()', true)).toEqual([])
  })

  it('e2e screenshots of a test run go to an ignored folder, not the committed one', async () => {
    const { screenshotDir } = await import('../e2e/harness.ts')
    const relative = path.relative(root, screenshotDir)
    expect(relative).not.toBe(path.join('e2e', 'screenshots'))
    // git check-ignore exits 0 only for an ignored path.
    expect(() => execFileSync('git', ['check-ignore', '-q', path.join(relative, 'probe.png')], { cwd: root })).not.toThrow()
  })
})
