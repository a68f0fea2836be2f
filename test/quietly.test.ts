import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDirs } from './support/tmp'

/**
 * `npm start`'s long first-run steps (npm ci, the native build, the app build) run through
 * scripts/lib/quietly.sh: a heartbeat instead of a silent minute, developer noise only in a log,
 * and the log's end when a step fails.
 */
const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'scripts', 'lib', 'quietly.sh')
afterEach(() => removeTempDirs())

function run(command: string, dir: string, onLine?: (line: string) => void): Promise<{ code: number; out: string; err: string }> {
  const child = spawn('bash', ['-c', `source '${script}'; QUIETLY_EVERY=1 quietly "installing things" '${dir}/log/step.log' ${command}`], { cwd: dir })
  let out = ''
  let err = ''
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString()
    for (const line of chunk.toString().split('\n')) if (line) onLine?.(line)
  })
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
  return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, out, err })))
}

describe('quietly: long set-up steps', () => {
  it('says it is still working while the step runs, and shows none of the step’s own output', async () => {
    const dir = makeTempDir()
    // The step waits until the test has seen a heartbeat: no timing guess either way.
    const result = await run(`sh -c 'echo chunk-size advice; until [ -f go ]; do sleep 0.05; done; echo native build line'`, dir, (line) => {
      if (line.includes('still installing things')) fs.writeFileSync(path.join(dir, 'go'), '')
    })
    expect(result.code).toBe(0)
    expect(result.out).toMatch(/^ {4}… still installing things \(\d+ s\)$/m)
    expect(result.out + result.err).not.toMatch(/chunk-size advice|native build line/)
    expect(fs.readFileSync(path.join(dir, 'log', 'step.log'), 'utf8')).toBe('chunk-size advice\nnative build line\n')
  })

  it('a failed step prints the end of its log and keeps its exit status', async () => {
    const dir = makeTempDir()
    const result = await run(`sh -c 'echo the real reason >&2; exit 3'`, dir)
    expect(result.code).toBe(3)
    expect(result.err).toContain('installing things failed (exit 3)')
    expect(result.err).toContain('the real reason')
  })

  it('a quick step prints nothing at all', async () => {
    const dir = makeTempDir()
    expect(await run('true', dir)).toEqual({ code: 0, out: '', err: '' })
  })
})
