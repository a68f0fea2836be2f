import fs from 'node:fs'
import path from 'node:path'
import { strFromU8, unzipSync } from 'fflate'
import { afterEach, describe, expect, it } from 'vitest'
import type { DoctorCheck } from '../../../src-shared/contract'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { SecretScrubber } from '../log'
import { FileSecretStore } from '../secrets'
import { KnownSecrets } from '../app/known-secrets'
import { createDiagnosticsBundle, formatSummary, redactConfig, redactConfigText, type BundleOptions } from '.'

afterEach(() => removeTempDirs())

const versions = { app: '1.2.3', mode: 'web', node: '24.1.0', v8: '13.6', os: 'Linux 6.8', arch: 'x64' }
const checks: DoctorCheck[] = [{ id: 'node', title: 'Node.js', status: 'ok', detail: 'v24.1.0' }]

function bundleOptions(dir: string, extra: Partial<BundleOptions> = {}): BundleOptions {
  return {
    dataDir: dir,
    logFile: path.join(dir, 'logs', 'ollama-desk.log'),
    scrubber: new SecretScrubber(),
    versions,
    checks: async () => checks,
    now: () => new Date(Date.UTC(2026, 4, 6, 7, 8, 9)),
    ...extra,
  }
}

const unzip = (file: string): Record<string, string> =>
  Object.fromEntries(Object.entries(unzipSync(fs.readFileSync(file))).map(([name, bytes]) => [name, strFromU8(bytes)]))

describe('redactConfig', () => {
  it('removes secret-named keys, every env and header value, and what the scrubber knows; keeps the rest', () => {
    const scrubber = new SecretScrubber()
    scrubber.register('registered-value-123456')
    const input = {
      apiKey: 'plain-key-value',
      nested: { access_token: 'tok-abc', password: 42, note: 'uses registered-value-123456 inside', port: 8080, on: true, none: null },
      servers: [{ env: { GITHUB_TOKEN: 'ghp_x', PLAIN: 'not secret but still hidden' }, headers: { Authorization: 'Bearer abcdefghijklmnop' }, args: ['--key', 'sk-abcdefghijklmnopqrstuvwxyz'] }],
      env: ['a list, not a map'],
    }
    expect(redactConfig(input, scrubber)).toEqual({
      apiKey: '[redacted]',
      nested: { access_token: '[redacted]', password: '[redacted]', note: 'uses [redacted] inside', port: 8080, on: true, none: null },
      servers: [{ env: { GITHUB_TOKEN: '[redacted]', PLAIN: '[redacted]' }, headers: { Authorization: '[redacted]' }, args: ['--key', '[redacted]'] }],
      env: ['a list, not a map'],
    })
  })

  it('scrubs text that is not JSON instead of dropping it', () => {
    const out = redactConfigText('{ broken sk-abcdefghijklmnopqrstuvwxyz', new SecretScrubber())
    expect(out).toContain('(not valid JSON; scrubbed as text)')
    expect(out).not.toContain('sk-abcdefghijklmnopqrstuvwxyz')
    expect(redactConfigText('{"secretThing":"x"}', new SecretScrubber())).toBe('{\n  "secretThing": "[redacted]"\n}\n')
  })
})

describe('createDiagnosticsBundle', () => {
  it('writes a real zip of the logs (rotated too), redacted config, versions, checks and a summary', async () => {
    const dir = makeTempDir()
    fs.mkdirSync(path.join(dir, 'logs'))
    fs.writeFileSync(path.join(dir, 'logs', 'ollama-desk.log'), '{"msg":"newest"}\n')
    fs.writeFileSync(path.join(dir, 'logs', 'ollama-desk.log.1'), '{"msg":"older"}\n')
    fs.writeFileSync(path.join(dir, 'logs', 'unrelated.txt'), 'not a log')
    fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ version: 1, ollama: { host: 'http://127.0.0.1:11434' } }))
    fs.writeFileSync(path.join(dir, 'mcp.json'), JSON.stringify({ mcpServers: { gh: { command: 'npx', env: { GITHUB_TOKEN: 'ghp_plantedplantedplanted' } } } }))
    const bundle = await createDiagnosticsBundle(bundleOptions(dir, { includeBase64: true }))
    expect(bundle.path).toBe(path.join(dir, 'diagnostics', 'ollama-desk-diagnostics-2026-05-06T07-08-09-000Z.zip'))
    const files = unzip(bundle.path)
    expect(Object.keys(files).sort()).toEqual(['checks.json', 'config/mcp.json', 'config/settings.json', 'logs/ollama-desk.log', 'logs/ollama-desk.log.1', 'summary.txt', 'versions.json'])
    expect(bundle.files.sort()).toEqual(Object.keys(files).sort())
    expect(files['logs/ollama-desk.log']).toBe('{"msg":"newest"}\n')
    expect(files['config/mcp.json']).toContain('"GITHUB_TOKEN": "[redacted]"')
    expect(files['config/mcp.json']).not.toContain('ghp_planted')
    expect(JSON.parse(files['versions.json']!)).toEqual(versions)
    expect(JSON.parse(files['checks.json']!)).toEqual(checks)
    expect(files['summary.txt']).toBe(bundle.summary)
    expect(bundle.summary).toContain('Ollama Desk 1.2.3 (web)')
    expect(bundle.summary).toContain(`Diagnostics bundle: ${bundle.path}`)
    expect(Buffer.from(bundle.base64!, 'base64').equals(fs.readFileSync(bundle.path))).toBe(true)
    expect(bundle.bytes).toBe(fs.statSync(bundle.path).size)
    expect(bundle.checks).toEqual(checks)
  })

  it('keeps only the newest part of a large log, cut at a line', async () => {
    const dir = makeTempDir()
    fs.mkdirSync(path.join(dir, 'logs'))
    const lines = Array.from({ length: 100 }, (_, n) => `line ${String(n).padStart(3, '0')}\n`).join('')
    fs.writeFileSync(path.join(dir, 'logs', 'ollama-desk.log'), lines)
    const bundle = await createDiagnosticsBundle(bundleOptions(dir, { maxLogBytes: 95 }))
    const log = unzip(bundle.path)['logs/ollama-desk.log']!
    expect(log.startsWith('(older lines cut)\nline 09')).toBe(true)
    expect(log.endsWith('line 099\n')).toBe(true)
    expect(bundle.base64).toBeUndefined()
  })

  it('writes where it is told: a .zip path as is, a folder gets a file name; a relative path is refused', async () => {
    const dir = makeTempDir()
    const out = makeTempDir()
    const named = await createDiagnosticsBundle(bundleOptions(dir, { target: path.join(out, 'mine.zip') }))
    expect(named.path).toBe(path.join(out, 'mine.zip'))
    const folder = await createDiagnosticsBundle(bundleOptions(dir, { target: path.join(out, 'sub') }))
    expect(folder.path).toBe(path.join(out, 'sub', 'ollama-desk-diagnostics.zip'))
    expect(Object.keys(unzip(folder.path))).toContain('versions.json')
    await expect(createDiagnosticsBundle(bundleOptions(dir, { target: 'relative.zip' }))).rejects.toMatchObject({ code: 'E_VALIDATION' })
  })

  it('says where it could not write', async () => {
    const dir = makeTempDir()
    const blocker = path.join(dir, 'a-file')
    fs.writeFileSync(blocker, 'x')
    await expect(createDiagnosticsBundle(bundleOptions(dir, { target: path.join(blocker, 'x.zip') }))).rejects.toMatchObject({
      code: 'E_VALIDATION',
      message: `Could not write the diagnostics bundle to ${path.join(blocker, 'x.zip')}: ${blocker} is a file, not a folder.`,
    })
  })

  it('summary lists electron when there is one', () => {
    expect(formatSummary({ ...versions, electron: '38.0.0' }, [], '/x.zip')).toContain('Node 24.1.0 · Electron 38.0.0 · V8 13.6')
  })
})

describe('KnownSecrets', () => {
  it('registers provider keys and MCP secrets the config files name, and re-reads only after a change', () => {
    const dir = makeTempDir()
    const secrets = new FileSecretStore(path.join(dir, 'secrets.json'))
    secrets.set('provider.openai.apiKey', 'provider-key-0123456789')
    secrets.set('mcp.gh.env.GITHUB_TOKEN', 'mcp-env-secret-0123456789')
    secrets.set('mcp.gh.header.Authorization', 'mcp-header-secret-0123456789')
    const registered: string[] = []
    const known = new KnownSecrets({ dataDir: dir, secrets, scrubber: { register: (v) => void registered.push(v) } })
    known.refresh()
    expect(registered).toEqual([])
    fs.writeFileSync(path.join(dir, 'providers.json'), JSON.stringify({ providers: [{ id: 'openai' }, { id: 'nokey' }, 'junk'] }))
    fs.writeFileSync(path.join(dir, 'mcp.json'), JSON.stringify({ mcpServers: { gh: { secretEnv: ['GITHUB_TOKEN', 7], secretHeaders: ['Authorization'] }, bad: 'x' } }))
    known.refresh()
    expect(registered).toEqual(['provider-key-0123456789', 'mcp-env-secret-0123456789', 'mcp-header-secret-0123456789'])
    known.refresh()
    expect(registered).toHaveLength(3)
  })

  it('survives a secret store that cannot be read', () => {
    const dir = makeTempDir()
    fs.writeFileSync(path.join(dir, 'providers.json'), JSON.stringify({ providers: [{ id: 'openai' }] }))
    const known = new KnownSecrets({ dataDir: dir, secrets: { get: () => { throw new Error('locked') } }, scrubber: { register: () => undefined } })
    expect(() => known.refresh()).not.toThrow()
  })
})
