import http from 'node:http'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { closedPort, startFakeServer, type FakeServer } from '../../../test/support/fake-ollama'
import { ValidationError } from '../errors'
import { DEFAULT_OLLAMA_PORT, normalizeOllamaHost, probeOllama } from '.'

describe('normalizeOllamaHost', () => {
  it.each([
    ['localhost', 'http://localhost:11434'],
    ['  127.0.0.1  ', 'http://127.0.0.1:11434'],
    ['gpu-box:8080', 'http://gpu-box:8080'],
    ['gpu-box:80', 'http://gpu-box'],
    ['http://h/v1/', 'http://h:11434'],
    ['http://h:9/api', 'http://h:9'],
    ['http://h:9/proxy/ollama/', 'http://h:9/proxy/ollama'],
    ['0.0.0.0', 'http://127.0.0.1:11434'],
    ['0.0.0.0:5000', 'http://127.0.0.1:5000'],
    ['[::]:11434', 'http://[::1]:11434'],
    ['[::1]', 'http://[::1]:11434'],
    ['http://[::1]/', 'http://[::1]:11434'],
    ['http://[::1]:80', 'http://[::1]'],
    ['user@gpu-box:8080', 'http://gpu-box:8080'],
    ['https://ollama.example.com', 'https://ollama.example.com'],
    ['https://ollama.example.com:443/v1', 'https://ollama.example.com'],
    ['HTTP://Example.COM', 'http://example.com:11434'],
  ])('%j → %s', (input, expected) => {
    expect(normalizeOllamaHost(input)).toBe(expected)
  })

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['ftp://h', /http or https, not ftp/],
    ['file:///etc/passwd', /not file/],
    ['http://exa mple', /not a host name or URL/],
    ['http://h:99999', /not a host name or URL/],
  ])('refuses %j', (input, message) => {
    expect(() => normalizeOllamaHost(input)).toThrow(ValidationError)
    expect(() => normalizeOllamaHost(input)).toThrow(message)
  })

  it('defaults to port 11434', () => {
    expect(DEFAULT_OLLAMA_PORT).toBe(11434)
  })
})

describe('probeOllama', () => {
  const servers: FakeServer[] = []
  const rawServers: http.Server[] = []
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()))
    for (const server of rawServers.splice(0)) {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })
  /** For probes that must get their answer: the 3 s default is for a user's machine, not a busy test machine. */
  const patient = { timeoutMs: 30_000 }
  const start = async (...args: Parameters<typeof startFakeServer>) => {
    const server = await startFakeServer(...args)
    servers.push(server)
    return server
  }

  it('reports the version of a server that answers like Ollama', async () => {
    const server = await start()
    let tick = 100
    const status = await probeOllama(`127.0.0.1:${server.port}`, { ...patient, now: () => (tick += 7) })
    expect(status).toEqual({ host: server.url, reachable: true, version: '0.12.0', latencyMs: 7 })
    expect(server.requests).toEqual(['/api/version'])
  })

  it('says connection refused for a closed port', async () => {
    const port = await closedPort()
    const status = await probeOllama(`http://127.0.0.1:${port}`, patient)
    expect(status.reachable).toBe(false)
    expect(status.host).toBe(`http://127.0.0.1:${port}`)
    expect(status.error).toMatch(/connection refused/)
  })

  it('names the HTTP status when the server fails', async () => {
    const server = await start((_req, res) => {
      res.writeHead(500)
      res.end('oops')
    })
    const status = await probeOllama(server.url, patient)
    expect(status).toMatchObject({ reachable: false, error: expect.stringMatching(/HTTP 500/) })
  })

  it('refuses JSON that is not from Ollama, and non-JSON', async () => {
    const json = await start((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{"name":"some other service"}')
    })
    expect((await probeOllama(json.url, patient)).error).toMatch(/not like Ollama/)
    const html = await start((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' })
      res.end('<html>router login</html>')
    })
    const status = await probeOllama(html.url, patient)
    expect(status.reachable).toBe(false)
    expect(status.error).toBeTruthy()
  })

  it('gives up after timeoutMs against a server that never answers', async () => {
    const silent = http.createServer(() => undefined)
    rawServers.push(silent)
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const { port } = silent.address() as { port: number }
    const status = await probeOllama(`127.0.0.1:${port}`, { timeoutMs: 150 })
    expect(status).toEqual({ host: `http://127.0.0.1:${port}`, reachable: false, error: 'no answer within 150 ms' })
  })

  it('reports cancellation by the caller', async () => {
    let asked = false
    const silent = http.createServer(() => void (asked = true))
    rawServers.push(silent)
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const { port } = silent.address() as { port: number }
    const controller = new AbortController()
    const pending = probeOllama(`127.0.0.1:${port}`, { ...patient, signal: controller.signal })
    // Cancelled while the server keeps it waiting.
    await vi.waitFor(() => expect(asked).toBe(true))
    controller.abort()
    expect((await pending).error).toBe('cancelled')
  })

  it('returns the validation message for a bad host without any request', async () => {
    let fetched = false
    const status = await probeOllama('ftp://x', {
      fetch: async () => {
        fetched = true
        return new Response('{}')
      },
    })
    expect(fetched).toBe(false)
    expect(status).toEqual({ host: 'ftp://x', reachable: false, error: 'Ollama speaks http or https, not ftp.' })
  })

  it.each([
    [Object.assign(new TypeError('fetch failed'), { cause: { code: 'ENOTFOUND' } }), 'host name not found'],
    [Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } }), 'ECONNRESET'],
    [new TypeError('fetch failed'), 'fetch failed'],
    [{}, 'unknown network error'],
  ])('describes fetch failure %#', async (error, expected) => {
    const status = await probeOllama('h', { fetch: () => Promise.reject(error) })
    expect(status.error).toBe(expected)
  })
})
