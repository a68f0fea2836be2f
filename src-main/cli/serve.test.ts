import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { testIo, type TestIo } from '../../test/support/io'
import { makeTempDir, removeTempDirs } from '../../test/support/tmp'
import { httpRequest } from '../../test/support/web'
import { runCli } from './run'
import { defaultStaticDir, rendererDirFrom } from './serve'

const running: { io: TestIo; exit: Promise<number> }[] = []
afterEach(async () => {
  for (const { io, exit } of running.splice(0)) {
    io.stop()
    await exit
  }
  removeTempDirs()
})

function staticEnv() {
  const dir = makeTempDir()
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>served</title>')
  return { OLLAMA_DESK_RENDERER_DIR: dir, OLLAMA_DESK_HOME: makeTempDir() }
}

/** Starts `serve` and returns the address it printed. */
async function serve(argv: string[], env = staticEnv()) {
  const io = testIo(env)
  const exit = runCli(['serve', ...argv], io)
  const entry = { io, exit }
  running.push(entry)
  const out = await Promise.race([io.waitForOut('Press Ctrl+C'), exit.then((code) => Promise.reject(new Error(`exited ${code}: ${io.stderr()}`)))])
  const match = /Open: (http:\/\/127\.0\.0\.1:(\d+)\/)\?token=([A-Za-z0-9_-]+)/.exec(out)
  if (!match) throw new Error(`no address in ${out}`)
  return { io, exit, url: match[1] as string, port: Number(match[2]), token: match[3] as string, stop: async () => (running.splice(running.indexOf(entry), 1), io.stop(), exit) }
}

describe('serve command', () => {
  it('prints an address with a token, serves authorised requests, and exits 0 when stopped', async () => {
    const dataDir = makeTempDir()
    const { io, port, token, stop } = await serve(['--port', '0', '--no-open', '--data-dir', dataDir])
    expect(port).toBeGreaterThan(0)
    expect(io.stdout()).toContain(`Data: ${dataDir}`)
    const info = await httpRequest(port, { method: 'POST', path: '/api/rpc/app.info', headers: { authorization: `Bearer ${token}` } })
    expect(info.status).toBe(200)
    expect(JSON.parse(info.body)).toMatchObject({ ok: true, value: { mode: 'web', dataDir } })
    expect((await httpRequest(port, { path: '/' })).status).toBe(401)
    const page = await httpRequest(port, { path: `/?token=${token}` })
    expect(page.status).toBe(302)
    expect(await stop()).toBe(0)
    expect(io.stdout()).toContain('Stopping…')
    await expect(httpRequest(port, { path: '/' })).rejects.toThrow()
    const log = fs.readFileSync(path.join(dataDir, 'logs', 'ollama-desk.log'), 'utf8')
    expect(log).toContain('web companion listening')
    expect(log).not.toContain(token)
  })

  it('uses the saved port when --port is not given', async () => {
    const env = staticEnv()
    fs.writeFileSync(path.join(env.OLLAMA_DESK_HOME, 'settings.json'), JSON.stringify({ version: 1, webCompanion: { port: 0 } }))
    const { port, stop } = await serve(['--no-open'], env)
    expect(port).toBeGreaterThan(0)
    expect(await stop()).toBe(0)
  })

  it('gives a fresh token each launch, or the stored one with --persist-token', async () => {
    const env = staticEnv()
    const first = await serve(['--port', '0', '--no-open'], env)
    await first.stop()
    const second = await serve(['--port', '0', '--no-open'], env)
    await second.stop()
    expect(second.token).not.toBe(first.token)
    const a = await serve(['--port', '0', '--no-open', '--persist-token'], env)
    await a.stop()
    const b = await serve(['--port', '0', '--no-open', '--persist-token'], env)
    await b.stop()
    expect(b.token).toBe(a.token)
    const secrets = path.join(env.OLLAMA_DESK_HOME, 'secrets.json')
    expect(JSON.parse(fs.readFileSync(secrets, 'utf8'))).toEqual({ 'web-companion-token': a.token })
    expect(fs.statSync(secrets).mode & 0o777).toBe(0o600)
  })

  it.each(['abc', '70000', '', '0x50', '1e3', '80.5'])('refuses --port %j with exit 2', async (value) => {
    const io = testIo(staticEnv())
    expect(await runCli(['serve', '--port', value, '--no-open'], io)).toBe(2)
    expect(io.stderr()).toContain(`--port must be a whole number from 0 to 65535, not "${value}"`)
  })

  it('refuses a non-loopback --host without --allow-lan (exit 1 with a hint)', async () => {
    const io = testIo(staticEnv())
    expect(await runCli(['serve', '--port', '0', '--no-open', '--host', '0.0.0.0'], io)).toBe(1)
    expect(io.stderr()).toMatch(/^error: Refusing to listen on 0\.0\.0\.0.*\nhint: Pass --allow-lan/)
  })

  it('finds the built renderer next to the bundle unless told otherwise', () => {
    expect(defaultStaticDir({ OLLAMA_DESK_RENDERER_DIR: '/x' })).toBe('/x')
    expect(path.basename(defaultStaticDir({}))).toBe('renderer')
  })

  it('finds out/renderer whether the CLI is bundled into out/main or into a chunk below it', () => {
    const built = (dir: string) => dir === '/app/out/renderer'
    expect(rendererDirFrom('file:///app/out/main/cli.js', built)).toBe('/app/out/renderer')
    expect(rendererDirFrom('file:///app/out/main/chunks/run-DMuoLtRb.js', built)).toBe('/app/out/renderer')
    // Not built yet: the nearer place, for the server's "not built" answer.
    expect(rendererDirFrom('file:///app/out/main/chunks/run.js', () => false)).toBe('/app/out/main/renderer')
  })
})
