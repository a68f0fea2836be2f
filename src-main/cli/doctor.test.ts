import fs from 'node:fs'
import path from 'node:path'
import { strFromU8, unzipSync } from 'fflate'
import { afterEach, describe, expect, it } from 'vitest'
import { testIo } from '../../test/support/io'
import { makeTempDir, removeTempDirs } from '../../test/support/tmp'
import { runCli } from './run'

afterEach(() => removeTempDirs())

// A real core over a temp data dir; Ollama is looked for on a closed loopback port.
const env = () => ({ HOME: makeTempDir('ollama-desk-home-'), OLLAMA_HOST: 'http://127.0.0.1:9' })

describe('doctor --bundle', () => {
  it('writes the zip where asked (relative to the working folder) and prints where', async () => {
    const dataDir = makeTempDir()
    const out = makeTempDir()
    fs.writeFileSync(path.join(dataDir, 'providers.json'), JSON.stringify({ version: 1, providers: [{ id: 'openai', kind: 'openai', name: 'OpenAI' }] }))
    fs.writeFileSync(path.join(dataDir, 'secrets.json'), JSON.stringify({ 'provider.openai.apiKey': 'cli-planted-key-90210xyz' }))
    const io = testIo(env())
    const relative = path.relative(process.cwd(), path.join(out, 'report.zip'))
    expect(await runCli(['doctor', '--bundle', relative, '--data-dir', dataDir], io)).toBe(0)
    const zipPath = path.join(out, 'report.zip')
    expect(io.stdout()).toContain(`Diagnostics bundle written to ${zipPath} (`)
    expect(io.stdout()).toMatch(/fail {2}Ollama/)
    const files = unzipSync(fs.readFileSync(zipPath))
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['config/providers.json', 'versions.json', 'checks.json', 'summary.txt', 'logs/ollama-desk.log']))
    const everything = Object.values(files).map((bytes) => strFromU8(bytes)).join('\n')
    expect(everything).not.toContain('cli-planted-key-90210xyz')
    expect(everything).toContain('"id": "openai"')
  })

  it('writes into the data folder without a path, and prints JSON when asked', async () => {
    const dataDir = makeTempDir()
    const io = testIo(env())
    expect(await runCli(['doctor', '--bundle', '--json', '--data-dir', dataDir], io)).toBe(0)
    const printed = JSON.parse(io.stdout()) as { path: string; bytes: number; files: string[]; checks: unknown[] }
    expect(path.dirname(printed.path)).toBe(path.join(dataDir, 'diagnostics'))
    expect(fs.statSync(printed.path).size).toBe(printed.bytes)
    expect(printed.files).toContain('summary.txt')
    expect(printed.checks).toHaveLength(5)
  })

  it('says why it could not write the zip and exits 1', async () => {
    const dataDir = makeTempDir()
    const blocker = path.join(dataDir, 'not-a-folder')
    fs.writeFileSync(blocker, 'x')
    const io = testIo(env())
    expect(await runCli(['doctor', '--bundle', path.join(blocker, 'x.zip'), '--data-dir', dataDir], io)).toBe(1)
    expect(io.stderr()).toBe(`error: Could not write the diagnostics bundle to ${path.join(blocker, 'x.zip')}: ${blocker} is a file, not a folder.\nhint: Pick a folder you can write to.\n`)
  })
})
