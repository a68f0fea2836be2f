import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import zlib from 'node:zlib'
import { describe, expect, it } from 'vitest'

/**
 * The packaging configuration (build/electron-builder.json) and the files it points at, checked
 * here because electron-builder itself cannot run in CI without the Electron binary:
 * targets per OS, the Electron fuses, macOS hardened runtime + entitlements, the icons, and the
 * whole file against electron-builder's own JSON schema (node_modules/app-builder-lib/scheme.json).
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)
const read = (file: string) => fs.readFileSync(path.join(root, file))
const exists = (file: string) => fs.existsSync(path.join(root, file))

type Json = Record<string, unknown>
type Target = { target: string; arch?: string[] }

const config = JSON.parse(read('build/electron-builder.json').toString('utf8')) as Json
const section = (name: string) => (config[name] ?? {}) as Json
const targets = (platform: string) => section(platform).target as Target[]

const EXPECTED_FUSES = {
  runAsNode: false,
  enableCookieEncryption: true,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  loadBrowserProcessSpecificV8Snapshot: false,
  grantFileProtocolExtraPrivileges: false,
}

// ─── Tiny readers for the binary and XML formats (independent of scripts/make-icons.js) ──────────

interface Png {
  width: number
  height: number
  colourType: number
}

/** Parses a PNG strictly: signature, every chunk CRC, IHDR first, IEND last, IDAT inflates to the right size. */
function parsePng(buf: Buffer, name: string): Png {
  expect(buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), `${name}: PNG signature`).toBe(true)
  const chunks: { type: string; data: Buffer }[] = []
  for (let offset = 8; offset < buf.length; ) {
    const length = buf.readUInt32BE(offset)
    const type = buf.toString('latin1', offset + 4, offset + 8)
    const data = buf.subarray(offset + 8, offset + 8 + length)
    const crc = buf.readUInt32BE(offset + 8 + length)
    expect(zlib.crc32(buf.subarray(offset + 4, offset + 8 + length)), `${name}: CRC of ${type}`).toBe(crc)
    chunks.push({ type, data })
    offset += 12 + length
  }
  expect(chunks[0]?.type, `${name}: IHDR first`).toBe('IHDR')
  expect(chunks.at(-1)?.type, `${name}: IEND last`).toBe('IEND')
  const ihdr = chunks[0]!.data
  const png = { width: ihdr.readUInt32BE(0), height: ihdr.readUInt32BE(4), colourType: ihdr[9]! }
  expect(ihdr[8], `${name}: 8-bit`).toBe(8)
  const channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[png.colourType]
  expect(channels, `${name}: colour type`).toBeDefined()
  const raw = zlib.inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)))
  expect(raw.length, `${name}: pixel data size`).toBe((png.width * channels! + 1) * png.height)
  return png
}

type Plist = boolean | string | number | Plist[] | { [key: string]: Plist }

/** Parses the XML property-list subset (dict, array, key, string, integer, real, true, false); throws on anything else. */
function parsePlist(xml: string): Plist {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>'), 'XML declaration').toBe(true)
  expect(xml, 'Apple plist DOCTYPE').toContain('<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">')
  const body = xml
    .replace(/^<\?xml[^>]*\?>/, '')
    .replace(/<!DOCTYPE[^>]*>/, '')
    .replace(/<!--[\s\S]*?-->/g, '')
  const tokens = body.match(/<[^>]+>|[^<]+/g) ?? []
  let i = 0
  const skipSpace = () => {
    while (i < tokens.length && /^\s+$/.test(tokens[i]!)) i++
  }
  const expectTag = (tag: string) => {
    skipSpace()
    if (tokens[i] !== tag) throw new Error(`expected ${tag}, found ${tokens[i] ?? 'end of file'}`)
    i++
  }
  const text = (close: string) => {
    const value = tokens[i]?.startsWith('<') ? '' : (tokens[i++] ?? '')
    expectTag(close)
    return value.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&')
  }
  const value = (): Plist => {
    skipSpace()
    const tag = tokens[i++]
    switch (tag) {
      case '<true/>':
        return true
      case '<false/>':
        return false
      case '<string>':
        return text('</string>')
      case '<integer>': {
        const t = text('</integer>')
        if (!/^-?\d+$/.test(t)) throw new Error(`bad integer ${t}`)
        return Number(t)
      }
      case '<real>':
        return Number(text('</real>'))
      case '<array>': {
        const items: Plist[] = []
        for (skipSpace(); tokens[i] !== '</array>'; skipSpace()) items.push(value())
        i++
        return items
      }
      case '<dict>': {
        const dict: Record<string, Plist> = {}
        for (skipSpace(); tokens[i] !== '</dict>'; skipSpace()) {
          expectTag('<key>')
          const key = text('</key>')
          if (key in dict) throw new Error(`duplicate key ${key}`)
          dict[key] = value()
        }
        i++
        return dict
      }
      default:
        throw new Error(`unexpected ${tag ?? 'end of file'}`)
    }
  }
  expectTag('<plist version="1.0">')
  const result = value()
  expectTag('</plist>')
  skipSpace()
  if (i !== tokens.length) throw new Error(`trailing content: ${tokens[i]}`)
  return result
}

interface IcoEntry {
  size: number
  format: 'png' | 'bmp'
}

/** Parses an ICO directory and checks every image it points at. */
function parseIco(buf: Buffer): IcoEntry[] {
  expect([buf.readUInt16LE(0), buf.readUInt16LE(2)], 'ICO header: reserved 0, type 1 (icon)').toEqual([0, 1])
  const count = buf.readUInt16LE(4)
  const entries: IcoEntry[] = []
  let end = 6 + count * 16
  for (let k = 0; k < count; k++) {
    const e = 6 + k * 16
    const size = buf[e] || 256
    expect(buf[e + 1] || 256, 'square entry').toBe(size)
    const length = buf.readUInt32LE(e + 8)
    const offset = buf.readUInt32LE(e + 12)
    expect(offset, `entry ${size}: data after the directory and previous entries`).toBeGreaterThanOrEqual(end)
    expect(offset + length, `entry ${size}: data inside the file`).toBeLessThanOrEqual(buf.length)
    end = offset + length
    const data = buf.subarray(offset, offset + length)
    if (data[0] === 0x89) {
      const png = parsePng(data, `icon.ico ${size}px`)
      expect([png.width, png.height]).toEqual([size, size])
      entries.push({ size, format: 'png' })
    } else {
      // BITMAPINFOHEADER: 40 bytes, height doubled (XOR image + AND mask), 32 bpp.
      expect([data.readUInt32LE(0), data.readInt32LE(4), data.readInt32LE(8), data.readUInt16LE(14)]).toEqual([40, size, size * 2, 32])
      const maskStride = Math.ceil(size / 32) * 4
      expect(length, `entry ${size}: BGRA pixels + AND mask`).toBe(40 + size * size * 4 + maskStride * size)
      entries.push({ size, format: 'bmp' })
    }
  }
  expect(end, 'no trailing bytes').toBe(buf.length)
  return entries
}

// ─── The configuration ────────────────────────────────────────────────────────────────────────────

describe('build/electron-builder.json', () => {
  it('names the app and lays out the build', () => {
    expect(config.appId).toBe('dev.ollamadesk.app')
    expect(config.productName).toBe('Ollama Desk')
    expect(config.directories).toEqual({ output: 'dist', buildResources: 'build' })
    expect(config.asar).toBe(true)
  })

  it('packages the built app, not its sources or tests', () => {
    const files = config.files as string[]
    expect(files).toEqual(expect.arrayContaining(['out/**', 'package.json', 'resources/**']))
    const includes = files.filter((f) => !f.startsWith('!'))
    expect(includes.filter((f) => /^(src-|test|e2e|scripts|bench)/.test(f)), 'no source or test directory is included').toEqual([])
    const excludes = files.filter((f) => f.startsWith('!'))
    expect(excludes.some((f) => f.includes('.test') || f.includes('{test,spec}')), 'test files are excluded').toBe(true)
    expect(excludes.some((f) => /\*\.\{?ts/.test(f)), 'TypeScript sources are excluded').toBe(true)
    // The RDMA module: its loader, its pure-JS fallback, and the addon (unpacked: a .node cannot load from the asar).
    expect(files).toEqual(expect.arrayContaining(['native/rdma/index.js', 'native/rdma/unavailable.js']))
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['**/*.node']))
  })

  it('starts the bundled main process, the same entry package.json names', () => {
    const pkg = JSON.parse(read('package.json').toString('utf8')) as Json
    expect(section('extraMetadata').main).toBe('out/main/index.js')
    expect(pkg.main).toBe('out/main/index.js')
  })

  it('builds NSIS for Windows (x64 + arm64), assisted and per-user', () => {
    expect(targets('win')).toEqual([{ target: 'nsis', arch: ['x64', 'arm64'] }])
    expect(section('nsis')).toMatchObject({ oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true })
  })

  it('builds dmg + zip for macOS with hardened runtime, entitlements, and notarization left to CI', () => {
    expect(targets('mac').map((t) => t.target)).toEqual(['dmg', 'zip'])
    for (const t of targets('mac')) expect(t.arch).toEqual(['x64', 'arm64'])
    expect(section('mac')).toMatchObject({
      category: 'public.app-category.developer-tools',
      hardenedRuntime: true,
      gatekeeperAssess: false,
      entitlements: 'build/entitlements.mac.plist',
      entitlementsInherit: 'build/entitlements.mac.plist',
      notarize: false,
    })
  })

  it('builds AppImage + deb for Linux with a category and a maintainer email (deb needs one)', () => {
    expect(targets('linux').map((t) => t.target)).toEqual(['AppImage', 'deb'])
    expect(section('linux').category).toBe('Development')
    expect(section('linux').maintainer).toMatch(/^[^<>]+ <[^@\s]+@[^>\s]+>$/)
  })

  it('flips every Electron fuse to the hardened value', () => {
    expect(config.electronFuses).toEqual(EXPECTED_FUSES)
  })

  it('points every icon at a file that exists', () => {
    for (const platform of ['win', 'mac', 'linux']) {
      const icon = section(platform).icon
      expect(typeof icon, `${platform}.icon`).toBe('string')
      expect(exists(icon as string), `${platform}.icon ${String(icon)}`).toBe(true)
    }
  })
})

// ─── JSON schema ──────────────────────────────────────────────────────────────────────────────────

type Validate = ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string; params: unknown }[] | null }
type AjvClass = new (options: Json) => { compile: (schema: unknown) => Validate }

function loadAjv(): AjvClass | undefined {
  try {
    const mod = require('ajv') as { default?: AjvClass } & AjvClass
    return mod.default ?? mod
  } catch {
    return undefined
  }
}
const Ajv = loadAjv()
const schemaFile = path.join(root, 'node_modules', 'app-builder-lib', 'scheme.json')

describe.skipIf(!Ajv || !fs.existsSync(schemaFile))('electron-builder JSON schema (ajv + app-builder-lib/scheme.json)', () => {
  // Stricter than electron-builder (which coerces types): a "true" string is an error here.
  const compile = () => new Ajv!({ allErrors: true, strict: false }).compile(JSON.parse(fs.readFileSync(schemaFile, 'utf8')))
  const errorsOf = (validate: Validate, data: unknown) =>
    validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`)

  it('accepts the configuration', () => {
    expect(errorsOf(compile(), config)).toEqual([])
  })

  it('is a real check: a misspelt fuse, a wrong type or a misplaced option is rejected', () => {
    const validate = compile()
    const fuses = config.electronFuses as Json
    expect(errorsOf(validate, { ...config, electronFuses: { ...fuses, runAsNodee: false } }).join('\n')).toContain('runAsNodee')
    expect(errorsOf(validate, { ...config, mac: { ...section('mac'), hardenedRuntime: 'yes' } }).join('\n')).toContain('/mac/hardenedRuntime')
    expect(errorsOf(validate, { ...config, oneClick: false }).join('\n')).toContain('oneClick')
  })

  it('names the schema it is written against', () => {
    expect(path.resolve(root, 'build', config.$schema as string)).toBe(schemaFile)
  })
})

// ─── macOS entitlements ───────────────────────────────────────────────────────────────────────────

describe('build/entitlements.mac.plist', () => {
  it('is a well-formed XML property list', () => {
    expect(() => parsePlist(read('build/entitlements.mac.plist').toString('utf8'))).not.toThrow()
  })

  it('grants what Electron needs under the hardened runtime, and nothing else', () => {
    const plist = parsePlist(read('build/entitlements.mac.plist').toString('utf8'))
    expect(plist).toEqual({
      // V8's JIT needs writable+executable memory.
      'com.apple.security.cs.allow-jit': true,
      'com.apple.security.cs.allow-unsigned-executable-memory': true,
      // Electron's frameworks and native addons are not signed with the app's Team ID.
      'com.apple.security.cs.disable-library-validation': true,
      // Talking to Ollama and cloud providers.
      'com.apple.security.network.client': true,
      // Dictation (the app still asks the user through macOS's own prompt).
      'com.apple.security.device.audio-input': true,
    })
  })

  it('explains in the macOS prompt why the app wants the microphone', () => {
    const config = JSON.parse(read('build/electron-builder.json').toString('utf8')) as { mac: { extendInfo?: Record<string, string> } }
    expect(config.mac.extendInfo?.NSMicrophoneUsageDescription).toMatch(/dictat/i)
  })

  it('the parser rejects a broken plist (so the checks above can fail)', () => {
    const good = read('build/entitlements.mac.plist').toString('utf8')
    expect(() => parsePlist(good.replace('<true/>', '<yes/>'))).toThrow()
    expect(() => parsePlist(good.replace('</dict>', ''))).toThrow()
    expect(() => parsePlist(good.replace('<key>com.apple.security.cs.allow-jit</key>', ''))).toThrow()
  })
})

// ─── Icons ────────────────────────────────────────────────────────────────────────────────────────

describe('icons (generated by scripts/make-icons.js)', () => {
  it('resources/icon.png is a square RGBA PNG of at least 512 px (1024 for Retina)', () => {
    const png = parsePng(read('resources/icon.png'), 'resources/icon.png')
    expect(png.width).toBe(png.height)
    expect(png.width).toBeGreaterThanOrEqual(512)
    expect(png.width).toBe(1024)
    expect(png.colourType).toBe(6)
  })

  it('build/icons holds the Linux set, each file the size its name says', () => {
    const names = fs.readdirSync(path.join(root, 'build', 'icons')).filter((n) => n.endsWith('.png'))
    const sizes = names.map((n) => Number(/^(\d+)x\1\.png$/.exec(n)?.[1])).sort((a, b) => a - b)
    expect(sizes).toEqual([16, 32, 48, 64, 128, 256, 512])
    for (const name of names) {
      const png = parsePng(read(`build/icons/${name}`), name)
      expect(`${png.width}x${png.height}.png`).toBe(name)
    }
  })

  it('resources/icon.ico holds 16…256 px images, 256 as PNG and the small ones as bitmaps', () => {
    const entries = parseIco(read('resources/icon.ico'))
    expect(entries.map((e) => e.size)).toEqual(expect.arrayContaining([16, 24, 32, 48, 64, 128, 256]))
    expect(entries.find((e) => e.size === 256)?.format).toBe('png')
    expect(entries.filter((e) => e.size < 256).every((e) => e.format === 'bmp')).toBe(true)
  })

  it("passes electron-builder's own icon resolution for Windows (.ico) and Linux (icon set)", async () => {
    // Internal module of app-builder-lib: these two formats resolve without downloading its icon tool.
    const { convertIcon } = require('app-builder-lib/out/util/iconConverter.js') as {
      convertIcon: (o: Json) => Promise<{ icons: { file: string; size: number }[]; isFallback: boolean }>
    }
    const roots = [path.join(root, 'build'), root]
    const outDir = path.join(os.tmpdir(), 'ollama-desk-icon-test') // not written to for these formats
    const ico = await convertIcon({ sources: [section('win').icon], fallbackSources: [], roots, format: 'ico', outDir })
    expect(ico.isFallback).toBe(false)
    expect(ico.icons.map((i) => [path.relative(root, i.file), i.size])).toEqual([[path.join('resources', 'icon.ico'), 256]])
    const set = await convertIcon({ sources: [section('linux').icon], fallbackSources: [], roots, format: 'set', outDir })
    expect(set.isFallback).toBe(false)
    expect(set.icons.map((i) => i.size)).toEqual([16, 32, 48, 64, 128, 256, 512])
  })

  it('the SVG logo is the same file in resources/ and the renderer favicon', () => {
    const svg = read('resources/icon.svg').toString('utf8')
    expect(svg).toMatch(/^<svg [^>]*viewBox="0 0 1024 1024"/)
    expect(svg).toContain('<title>Ollama Desk</title>')
    expect(read('src-renderer/public/icon.svg').toString('utf8')).toBe(svg)
  })
})

describe('the package as npm sees it', () => {
  const pkg = JSON.parse(read('package.json').toString('utf8')) as { engines: { node: string }; bin: Record<string, string> }
  const semver = require('semver') as { satisfies(version: string, range: string): boolean }

  it('admits every Node its launcher runs on, so npx on an older system Node prints no EBADENGINE warning the user did not cause', () => {
    // bin/ollama-desk.js is plain JavaScript that moves itself to Node 24 (.tools) or says what to install.
    expect(Object.values(pkg.bin)).toEqual(['bin/ollama-desk.js'])
    for (const version of ['18.20.0', '20.20.2', '22.12.0', '24.0.0']) expect(semver.satisfies(version, pkg.engines.node), version).toBe(true)
    const launcher = read('bin/ollama-desk.js').toString('utf8')
    expect(launcher).toMatch(/needs Node\.js 22\.12 or newer/)
  })
})
