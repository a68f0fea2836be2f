import { afterEach, describe, expect, it } from 'vitest'
import { startFakeServer } from '../../../test/support/fake-ollama'
import { checkLatestRelease, compareVersions, DEFAULT_RELEASE_API } from './release'
import { defaultInstallerEnv } from './types'

const servers: { close(): Promise<void> }[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

async function api(handler: Parameters<typeof startFakeServer>[0]): Promise<string> {
  const server = await startFakeServer(handler)
  servers.push(server)
  return `http://127.0.0.1:${server.port}/repos/ollama/ollama/releases/latest`
}

describe('compareVersions', () => {
  it('orders releases like semver', () => {
    expect(compareVersions('0.12.10', '0.12.9')).toBe(1)
    expect(compareVersions('0.12.9', '0.12.10')).toBe(-1)
    expect(compareVersions('v0.12.6', '0.12.6')).toBe(0)
    expect(compareVersions('1.0', '0.99.0')).toBe(1)
    expect(compareVersions('0.12.6', '0.12.6-rc1')).toBe(1)
    expect(compareVersions('0.12.6-rc1', '0.12.6')).toBe(-1)
    expect(compareVersions('0.12.6-rc10', '0.12.6-rc2')).toBe(1)
    expect(compareVersions('0.12.6-rc.10', '0.12.6-rc.2')).toBe(1)
    expect(compareVersions('0.12.6-rc.1', '0.12.6-rc.1.1')).toBe(-1)
    expect(compareVersions('0.12.6-1', '0.12.6-alpha')).toBe(-1)
    expect(compareVersions('0.12.6-alpha', '0.12.6-1')).toBe(1)
    expect(compareVersions('0.99.0-fake', '0.99.0-fake')).toBe(0)
    expect(compareVersions('0.1.0+build', '0.1.0')).toBe(0)
    expect(compareVersions('latest', '0.1.0')).toBeUndefined()
  })
})

describe('checkLatestRelease against a loopback API', () => {
  it('reads tag_name without its v', async () => {
    const url = await api((req, res) => {
      expect(req.headers['user-agent']).toBe('ollama-desk')
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ tag_name: 'v0.12.6', name: 'v0.12.6' }))
    })
    // A generous timeout: this answer must not be given up on, however busy the machine.
    expect(await checkLatestRelease(defaultInstallerEnv(), { url, timeoutMs: 30_000 })).toBe('0.12.6')
  })

  it('gives nothing, never an error, on 404, malformed JSON, an odd tag or a timeout', async () => {
    const env = defaultInstallerEnv()
    expect(await checkLatestRelease(env, { url: await api((_req, res) => void res.writeHead(404).end('{"message":"Not Found"}')) })).toBeUndefined()
    expect(await checkLatestRelease(env, { url: await api((_req, res) => void res.writeHead(200).end('{"tag_name": ')) })).toBeUndefined()
    expect(await checkLatestRelease(env, { url: await api((_req, res) => void res.writeHead(200).end('{"tag_name": 12}')) })).toBeUndefined()
    expect(await checkLatestRelease(env, { url: await api((_req, res) => void res.writeHead(200).end('{"tag_name": "nightly"}')) })).toBeUndefined()
    // A server that never answers: the 200 ms run out (the test would hang otherwise) and the answer is nothing.
    expect(await checkLatestRelease(env, { url: await api(() => undefined), timeoutMs: 200 })).toBeUndefined()
    expect(await checkLatestRelease(env, { url: 'http://127.0.0.1:1/closed' })).toBeUndefined()
  })

  it('defaults to the GitHub API', async () => {
    const seen: string[] = []
    const env = defaultInstallerEnv({ fetch: async (input) => (seen.push(String(input)), Response.json({ tag_name: 'v1.2.3' })) })
    expect(await checkLatestRelease(env)).toBe('1.2.3')
    expect(seen).toEqual([DEFAULT_RELEASE_API])
  })
})
