import { afterEach, describe, expect, it } from 'vitest'
import { startFakeOllamaApi, type FakeOllamaApi } from '../../test/support/fake-ollama-api'
import { testIo } from '../../test/support/io'
import { screenOf } from '../../test/support/terminal-screen'
import { makeTempDir, removeTempDirs } from '../../test/support/tmp'
import { formatBytes, formatPullEvent, formatRunning } from './models'
import { runCli } from './run'

const servers: FakeOllamaApi[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
  removeTempDirs()
})

async function setup() {
  const server = await startFakeOllamaApi({
    models: [{ name: 'llama3.2:3b', size: 2_019_393_189, modifiedAt: '2025-03-04T05:06:00Z' }],
    running: ['llama3.2:3b'],
    registry: [
      { name: 'tiny', layers: [1000, 2000], steps: 2 },
      // 100 steps 200 ms apart: Ctrl+C lands long before the pull could end, however busy the machine.
      { name: 'slow', layers: [100_000], steps: 100, stepMs: 200 },
    ],
  })
  servers.push(server)
  const env = { HOME: makeTempDir(), OLLAMA_HOST: server.host }
  const dir = makeTempDir()
  const run = async (args: string[]) => {
    const io = testIo(env)
    const code = await runCli([...args, '--data-dir', dir], io)
    return { code, out: io.stdout(), err: io.stderr() }
  }
  return { server, env, dir, run }
}

describe('ollama-desk models', () => {
  it('lists, shows, lists running and unloads', async () => {
    const { run } = await setup()
    const list = await run(['models', 'list'])
    expect(list.code).toBe(0)
    expect(list.out).toMatch(/^NAME\s+SIZE\s+FAMILY\s+PARAMS\s+QUANT\s+MODIFIED\nllama3\.2:3b\s+2\.0 GB\s+llama\s+3\.2B\s+Q4_K_M\s+2025-03-04 05:06\n$/)
    expect(JSON.parse((await run(['models', 'list', '--json'])).out).models).toHaveLength(1)
    const shown = await run(['models', 'show', 'llama3.2:3b'])
    expect(shown.out).toContain('capabilities  completion, tools')
    expect(shown.out).toContain('Template:')
    expect(JSON.parse((await run(['models', 'show', 'llama3.2:3b', '--json'])).out).contextLength).toBe(131072)
    expect((await run(['models', 'ps'])).out).toMatch(/llama3\.2:3b\s+2\.0 GB\s+80%\s+forever/)
    expect(JSON.parse((await run(['models', 'ps', '--json'])).out).models).toHaveLength(1)
    expect(await run(['models', 'unload', 'llama3.2:3b'])).toMatchObject({ code: 0, out: 'unloaded llama3.2:3b\n' })
    expect((await run(['models', 'ps'])).out).toBe('No models are loaded.\n')
  })

  it('on a terminal, pull redraws each layer’s line in place: one finished line per layer', async () => {
    const { env, dir } = await setup()
    const io = { ...testIo(env), terminal: true, columns: 100 }
    expect(await runCli(['models', 'pull', 'tiny', '--data-dir', dir], io)).toBe(0)
    const shown = screenOf(io.stdout()).filter(Boolean)
    expect(shown[0]).toBe('pulling manifest')
    const layers = shown.filter((line) => /^pulling [0-9a-f]{12}/.test(line))
    expect(layers).toHaveLength(2)
    for (const line of layers) expect(line).toMatch(/ 100\.0% /)
    expect(shown.at(-1)).toBe('pulled tiny')
  })

  it('pulls with a progress line per update, and deletes only with --yes', async () => {
    const { run, server } = await setup()
    const pulled = await run(['models', 'pull', 'tiny'])
    expect(pulled.code).toBe(0)
    const lines = pulled.out.trim().split('\n')
    expect(lines[0]).toBe('pulling manifest')
    expect(lines.some((l) => /^pulling [0-9a-f]{12} {2}100\.0% 2\.0 KB\/2\.0 KB {2}overall 100\.0%/.test(l))).toBe(true)
    expect(lines.at(-1)).toBe('pulled tiny')
    expect(server.models.has('tiny:latest')).toBe(true)

    const refused = await run(['models', 'rm', 'tiny'])
    expect(refused).toMatchObject({ code: 2, err: expect.stringMatching(/--yes/) })
    expect(server.models.has('tiny:latest')).toBe(true)
    expect(await run(['models', 'rm', 'tiny', '--yes'])).toMatchObject({ code: 0, out: 'deleted tiny\n' })
    const missing = await run(['models', 'rm', 'tiny', '--yes'])
    expect(missing).toMatchObject({ code: 1, err: expect.stringMatching(/^error: "tiny" was not found in Ollama\.\nhint: /) })
    expect((await run(['models', 'pull', 'ghost'])).err).toMatch(/not found in the registry.*\nhint: Check the name/)
    expect((await run(['models', 'list'])).out).toContain('llama3.2:3b')
  })

  it('cancels a pull on Ctrl+C and says how to resume', async () => {
    const { env, dir } = await setup()
    const io = testIo(env)
    const pending = runCli(['models', 'pull', 'slow', '--data-dir', dir], io)
    await io.waitForOut('overall')
    io.stop()
    expect(await pending).toBe(130)
    expect(io.stderr()).toMatch(/cancelled; run `ollama-desk models pull slow` again to resume/)
  })

  it('explains usage mistakes and an unreachable Ollama', async () => {
    const { run } = await setup()
    expect((await run(['models'])).code).toBe(2)
    for (const verb of ['show', 'rm', 'pull', 'unload']) expect((await run(['models', verb])).err).toContain(`models ${verb} llama3.2`)
    const io = testIo({ HOME: makeTempDir(), OLLAMA_HOST: '127.0.0.1:1' })
    expect(await runCli(['models', 'list', '--data-dir', makeTempDir()], io)).toBe(1)
    expect(io.stderr()).toMatch(/not reachable.*\nhint: Start it with `ollama serve`/)
  })

  it('formats sizes and rows', () => {
    expect(formatBytes(999)).toBe('999 B')
    expect(formatBytes(12_345_678)).toBe('12 MB')
    expect(formatRunning([{ name: 'x', size: 0, sizeVram: 0, parameterSize: '', quantization: '', expiresAt: 0 }])).toContain('-')
    expect(formatPullEvent({ status: 'pulling x', digest: 'd', completed: 5, total: 10, percent: 50, bytesPerSecond: 2000 })).toBe('pulling x  50.0% 5 B/10 B  overall 50.0%  2.0 KB/s')
  })
})
