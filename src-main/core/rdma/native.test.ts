import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest'
import { findRdmaLoader, listRdmaDevices, loadRdma, RdmaError, rdmaStatus, toRdmaError, type RdmaNative } from './native'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const addonDir = path.join(root, 'native', 'rdma')
const addonFile = path.join(addonDir, 'build', 'Release', 'rdma.node')
const buildScript = path.join(root, 'scripts', 'build-native.js')
// These tests describe a machine without RDMA hardware (this one, CI); a real HCA changes the answers.
const hasRdmaHardware = existsSync('/sys/class/infiniband') && readdirSync('/sys/class/infiniband').length > 0

let rdma: RdmaNative
let skipReason: string | undefined
const temps: string[] = []

beforeAll(() => {
  if (!existsSync(addonFile)) {
    const run = spawnSync(process.execPath, [buildScript], { encoding: 'utf8' })
    const skipped = /\[build-native\] skipped: (.*)/.exec(run.stdout)
    // Only a missing prerequisite (no compiler, no headers) may skip; a failed compile fails below.
    if (skipped) skipReason = `native addon not built: ${skipped[1]}`
  }
  if (skipReason) console.log(`[rdma tests] skipping addon tests: ${skipReason}`)
  rdma = loadRdma()
}, 240_000)

afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true })
})

function needsAddon(ctx: TestContext): void {
  if (skipReason) ctx.skip(skipReason)
  if (hasRdmaHardware) ctx.skip('this machine has an RDMA device')
}

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'rdma-test-'))
  temps.push(dir)
  return dir
}

describe('the native addon on a machine without RDMA', () => {
  it('is built and loaded, not the fallback', (ctx) => {
    needsAddon(ctx)
    expect(existsSync(addonFile)).toBe(true)
    expect(rdma.kind).toBe('native')
  })

  it('reports RDMA unavailable with the kernel’s errno in the reason', (ctx) => {
    needsAddon(ctx)
    const status = rdmaStatus(rdma)
    expect(status.ok).toBe(false)
    expect(status.reason).toMatch(/^no RDMA devices \(ibv_get_device_list: (ENOSYS|ENODEV)/)
    expect(status.reason).toMatch(/rdma_cm: ENODEV/)
    expect(['ENOSYS', 'ENODEV']).toContain(status.errno)
  })

  it('throws the typed E_RDMA_NO_DEVICE from listDevices instead of returning []', (ctx) => {
    needsAddon(ctx)
    let thrown: unknown
    try {
      rdma.listDevices()
    } catch (error) {
      thrown = error
    }
    expect(thrown).toMatchObject({ code: 'E_RDMA_NO_DEVICE', errno: expect.stringMatching(/^(ENOSYS|ENODEV)$/) })
    expect(() => listRdmaDevices(rdma)).toThrow(RdmaError)
    expect(() => listRdmaDevices(rdma)).toThrow(/no RDMA devices/)
  })

  it('rejects connect and listen with E_RDMA_NO_DEVICE, before any rdma_cm call', async (ctx) => {
    needsAddon(ctx)
    const buffer = new rdma.MmapBuffer(4096)
    await expect(rdma.connect('127.0.0.1', 7471, buffer)).rejects.toMatchObject({ code: 'E_RDMA_NO_DEVICE' })
    await expect(rdma.listen('127.0.0.1', 0)).rejects.toMatchObject({ code: 'E_RDMA_NO_DEVICE' })
    buffer.free()
  })

  it('refuses connect without an MmapBuffer', (ctx) => {
    needsAddon(ctx)
    expect(() => rdma.connect('127.0.0.1', 7471, new Uint8Array(8) as never)).toThrow(/buffer must be an MmapBuffer/)
    expect(() => rdma.listen(7 as never, 0)).toThrow(/listen\(host, port\)/)
  })
})

describe('MmapBuffer (mmap-backed registration memory)', () => {
  it('copies bytes in and out at an offset', (ctx) => {
    needsAddon(ctx)
    const buffer = new rdma.MmapBuffer(8192)
    expect(buffer.size).toBe(8192)
    expect(buffer.write(4094, new Uint8Array([1, 2, 3, 4]))).toBe(4)
    expect(Array.from(buffer.read(4093, 6))).toEqual([0, 1, 2, 3, 4, 0])
    buffer.free()
  })

  it('rejects ranges outside the buffer and use after free', (ctx) => {
    needsAddon(ctx)
    const buffer = new rdma.MmapBuffer(16)
    expect(() => buffer.read(15, 2)).toThrow(/range 15\+2 is outside the buffer of 16 bytes/)
    expect(() => buffer.write(-1, new Uint8Array(1))).toThrow(RangeError)
    expect(() => buffer.write(0, 'text' as never)).toThrow(/expected a number and a Uint8Array/)
    buffer.free()
    expect(() => buffer.read(0, 1)).toThrow(/the buffer was freed/)
    buffer.free()
  })

  it('rejects sizes that are not a whole number of bytes from 1 to 16 GiB', (ctx) => {
    needsAddon(ctx)
    for (const size of [0, -4096, 1.5, 2 ** 35]) expect(() => new rdma.MmapBuffer(size)).toThrow(/whole number of bytes/)
    expect(() => new rdma.MmapBuffer('4096' as never)).toThrow(/size must be a number/)
  })
})

describe('the fallback (addon not built)', () => {
  it('is what native/rdma/index.js loads when build/ is missing, and answers the same API', async () => {
    const dir = tempDir()
    for (const file of ['index.js', 'unavailable.js']) copyFileSync(path.join(addonDir, file), path.join(dir, file))
    writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}')
    const fallback = loadRdma(path.join(dir, 'index.js'))
    expect(fallback.kind).toBe('fallback')
    const status = fallback.available()
    expect(status.ok).toBe(false)
    expect(status.reason).toMatch(/^the native module is not built \(.*rdma\.node is missing; run npm run build:native\)$/)
    expect(() => fallback.listDevices()).toThrow(expect.objectContaining({ code: 'E_RDMA_UNAVAILABLE' }))
    expect(() => listRdmaDevices(fallback)).toThrow(RdmaError)
    await expect(fallback.connect('127.0.0.1', 1, {} as never)).rejects.toMatchObject({ code: 'E_RDMA_UNAVAILABLE' })
    await expect(fallback.listen('127.0.0.1', 0)).rejects.toMatchObject({ code: 'E_RDMA_UNAVAILABLE' })
    expect(() => new fallback.MmapBuffer(4096)).toThrow(/not built/)
  })

  it('reports a loader that fails to load, without throwing', async () => {
    const broken = path.join(tempDir(), 'index.cjs')
    writeFileSync(broken, 'throw new Error("corrupt build")')
    const fallback = loadRdma(broken)
    expect(fallback.kind).toBe('fallback')
    expect(fallback.available().reason).toMatch(/index\.cjs failed: corrupt build/)
    expect(() => fallback.listDevices()).toThrow(expect.objectContaining({ code: 'E_RDMA_UNAVAILABLE' }))
    await expect(fallback.connect('h', 1, {} as never)).rejects.toMatchObject({ code: 'E_RDMA_UNAVAILABLE' })
    await expect(fallback.listen('h', 1)).rejects.toMatchObject({ code: 'E_RDMA_UNAVAILABLE' })
    expect(() => new fallback.MmapBuffer(1)).toThrow(RdmaError)
  })

  it('reports a missing loader', () => {
    expect(findRdmaLoader(path.parse(root).root)).toBeUndefined()
    expect(loadRdma(null).available()).toEqual({ ok: false, reason: 'native/rdma/index.js was not found next to the app' })
    expect(findRdmaLoader()).toBe(path.join(addonDir, 'index.js'))
  })
})

describe('error and status helpers', () => {
  it('keeps typed codes and maps anything else to E_RDMA_SYSCALL', () => {
    const typed = toRdmaError({ code: 'E_RDMA_NO_DEVICE', errno: 'ENOSYS', message: 'none' })
    expect([typed.code, typed.errno, typed.message]).toEqual(['E_RDMA_NO_DEVICE', 'ENOSYS', 'none'])
    expect(toRdmaError(typed)).toBe(typed)
    const other = toRdmaError(new TypeError('bad'))
    expect([other.code, other.errno, other.message]).toEqual(['E_RDMA_SYSCALL', null, 'bad'])
    expect(toRdmaError('odd').message).toBe('odd')
  })

  it('turns a throwing probe into a status', () => {
    const throwing = { ...loadRdma(null), available: () => { throw new Error('segv avoided') } }
    expect(rdmaStatus(throwing)).toEqual({ ok: false, reason: 'RDMA probe failed: segv avoided' })
  })
})

describe('scripts/build-native.js', () => {
  it('exits 0 and says why when it skips the build', () => {
    const run = spawnSync(process.execPath, [buildScript], { encoding: 'utf8', env: { ...process.env, OLLAMA_DESK_SKIP_NATIVE: '1' } })
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/skipped: OLLAMA_DESK_SKIP_NATIVE is set\. The app uses the pure-JS fallback/)
  })
})
