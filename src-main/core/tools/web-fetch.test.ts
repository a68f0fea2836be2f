import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { removeTempDirs } from '../../../test/support/tmp'
import { runBuiltinTool } from './run-tool'
import { makeWorkspace } from './tools.fixture'
import { htmlToText } from './web-fetch'

const PAGE = `<!doctype html><html><head><title>Docs &amp; more</title><style>body{color:red}</style>
<script>alert("x")</script></head><body><h1>Hello</h1><p>First&nbsp;para with <a href="/x">a link</a>.</p>
<ul><li>one</li><li>two</li></ul><!-- hidden --><p>5 &lt; 6 &#8212; &#x263A;</p></body></html>`

let server: http.Server
let base: string
let bigBodyWritten = 0

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/page') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE)
    else if (req.url === '/json') res.writeHead(200, { 'content-type': 'application/json' }).end('{"a":1}')
    else if (req.url === '/image') res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from([0x89, 0x50]))
    else if (req.url === '/redirect') res.writeHead(302, { location: '/json' }).end()
    else if (req.url === '/big') {
      res.writeHead(200, { 'content-type': 'text/plain' })
      const chunk = 'y'.repeat(64 * 1024)
      let sent = 0
      const pump = (): void => {
        while (sent < 64 && !res.destroyed) {
          sent++
          bigBodyWritten += chunk.length
          if (!res.write(chunk)) return void res.once('drain', pump)
        }
        res.end()
      }
      pump()
    } else res.writeHead(404, { 'content-type': 'text/plain' }).end('no such page')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

afterEach(removeTempDirs)

describe('WebFetch', () => {
  it('fetches an HTML page as readable text and passes the prompt back', async () => {
    const { ctx } = makeWorkspace()
    const result = await runBuiltinTool('WebFetch', { url: `${base}/page`, prompt: 'Summarise it' }, ctx)
    expect(result.ok).toBe(true)
    expect(result.output).toBe(
      `Fetched ${base}/page: HTTP 200, text/html\n\nApply this prompt to the content below: Summarise it\n\n---\n` +
        'Docs & more\n\n# Hello\n\nFirst para with a link.\n\n- one\n- two\n\n5 < 6 — ☺',
    )
  })

  it('returns JSON as is and follows redirects', async () => {
    const { ctx } = makeWorkspace()
    const result = await runBuiltinTool('WebFetch', { url: `${base}/redirect`, prompt: 'p' }, ctx)
    expect(result.output).toBe(`Fetched ${base}/redirect (redirected to ${base}/json): HTTP 200, application/json\n\nApply this prompt to the content below: p\n\n---\n{"a":1}`)
  })

  it('reports HTTP errors and refuses binary content', async () => {
    const { ctx } = makeWorkspace()
    expect(await runBuiltinTool('WebFetch', { url: `${base}/missing`, prompt: 'p' }, ctx)).toMatchObject({ ok: false, output: `Fetched ${base}/missing: HTTP 404, text/plain\n\nno such page` })
    expect(await runBuiltinTool('WebFetch', { url: `${base}/image`, prompt: 'p' }, ctx)).toMatchObject({ ok: false, output: `${base}/image returned image/png content, which WebFetch cannot show as text.` })
  })

  it('stops reading at the size cap', async () => {
    const { ctx } = makeWorkspace()
    bigBodyWritten = 0
    const result = await runBuiltinTool('WebFetch', { url: `${base}/big`, prompt: 'p' }, { ...ctx, maxFetchBytes: 10_000, outputCap: 50_000 })
    expect(result.ok).toBe(true)
    const body = result.output.split('---\n')[1] ?? ''
    expect(body).toBe(`${'y'.repeat(10_000)}\n[content truncated: the page is larger than 10000 bytes]`)
    expect(bigBodyWritten).toBeLessThan(64 * 64 * 1024)
  })

  it('caps the text returned to the model', async () => {
    const { ctx } = makeWorkspace()
    const result = await runBuiltinTool('WebFetch', { url: `${base}/big`, prompt: 'p' }, { ...ctx, outputCap: 100, maxFetchBytes: 1000 })
    expect(result.output.split('---\n')[1]).toBe(`${'y'.repeat(100)}\n[content truncated at 100 characters]`)
  })

  it('uses the injected fetch', async () => {
    const { ctx } = makeWorkspace()
    const seen: string[] = []
    const viaProxy: typeof fetch = async (input, init) => {
      seen.push(String(input))
      return fetch(`${base}/json`, init)
    }
    const result = await runBuiltinTool('WebFetch', { url: 'https://example.invalid/data', prompt: 'p' }, { ...ctx, fetch: viaProxy })
    expect(seen).toEqual(['https://example.invalid/data'])
    expect(result.output).toContain('{"a":1}')
  })

  it('refuses non-http schemes and invalid URLs before fetching', async () => {
    const { ctx } = makeWorkspace()
    const calls: string[] = []
    const recording: typeof fetch = async (input) => {
      calls.push(String(input))
      return new Response('x')
    }
    for (const url of ['file:///etc/passwd', 'ftp://127.0.0.1/x', 'data:text/plain,hi']) {
      const result = await runBuiltinTool('WebFetch', { url, prompt: 'p' }, { ...ctx, fetch: recording })
      expect(result).toMatchObject({ ok: false, output: expect.stringMatching(/^Only http and https URLs can be fetched, not \w+: ones\.$/) })
      expect(result.error?.code).toBe('E_VALIDATION')
    }
    expect((await runBuiltinTool('WebFetch', { url: 'not a url', prompt: 'p' }, { ...ctx, fetch: recording })).output).toBe('"not a url" is not a valid URL.')
    expect(calls).toEqual([])
  })

  it('turns connection failures into a network error message', async () => {
    const { ctx } = makeWorkspace()
    const closed = http.createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const result = await runBuiltinTool('WebFetch', { url: `http://127.0.0.1:${port}/`, prompt: 'p' }, ctx)
    expect(result).toMatchObject({ ok: false, output: expect.stringMatching(new RegExp(`^Could not fetch http://127\\.0\\.0\\.1:${port}/: `)) })
    expect(result.error?.code).toBe('E_NETWORK')
  })
})

describe('htmlToText', () => {
  it('drops scripts, styles and comments, and keeps table cells apart', () => {
    expect(htmlToText('<table><tr><td>a</td><td>b</td></tr></table><script>x()</script><!-- c -->')).toBe('a b')
    expect(htmlToText('<p>one<br>two</p><noscript>n</noscript>')).toBe('one\ntwo')
  })
})
