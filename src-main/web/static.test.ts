import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDirs } from '../../test/support/tmp'
import zlib from 'node:zlib'
import { contentSecurityPolicy, serveStatic } from './static'

const servers: http.Server[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve))
  removeTempDirs()
})

/** A bare server that hands every raw path to serveStatic, so the file logic is tested alone. */
async function serve(root: string) {
  const server = http.createServer((req, res) =>
    serveStatic(root, (req.url ?? '/').split('?')[0] ?? '/', res, { acceptEncoding: req.headers['accept-encoding'], ifNoneMatch: req.headers['if-none-match'] }),
  )
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return (target: string, headers: Record<string, string> = {}) => rawGet(port, target, headers)
}

/** One GET over loopback; the body as the bytes that came over the wire (not decompressed). */
function rawGet(port: number, target: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: target, headers }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => {
          const bytes = Buffer.concat(chunks)
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: bytes.toString('utf8'), bytes })
        })
      })
      .on('error', reject)
  })
}

function site() {
  const parent = makeTempDir()
  const root = path.join(parent, 'site')
  fs.mkdirSync(path.join(root, 'img'), { recursive: true })
  fs.writeFileSync(path.join(root, 'index.html'), 'INDEX')
  fs.writeFileSync(path.join(root, 'style.css'), 'body{}')
  fs.writeFileSync(path.join(root, 'img', 'logo.svg'), '<svg/>')
  fs.writeFileSync(path.join(root, 'data.bin'), 'bin')
  fs.writeFileSync(path.join(parent, 'secret.txt'), 'SECRET')
  fs.writeFileSync(path.join(parent, 'site-evil.txt'), 'SIBLING')
  return { parent, root }
}

describe('serveStatic', () => {
  it('serves files with their content types', async () => {
    const get = await serve(site().root)
    expect(await get('/style.css')).toMatchObject({ status: 200, body: 'body{}', headers: { 'content-type': 'text/css; charset=utf-8' } })
    expect((await get('/img/logo.svg')).headers['content-type']).toBe('image/svg+xml')
    expect((await get('/data.bin')).headers['content-type']).toBe('application/octet-stream')
    expect((await get('/index.html')).headers['cache-control']).toBe('no-store')
  })

  it('falls back to index.html for extension-less paths and 404s for missing files', async () => {
    const get = await serve(site().root)
    expect((await get('/')).body).toBe('INDEX')
    expect((await get('/img')).body).toBe('INDEX')
    expect((await get('/chat/42')).body).toBe('INDEX')
    expect((await get('/nope.css')).status).toBe(404)
  })

  it.each(['/../secret.txt', '/img/../../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/../site-evil.txt', '/%00', '/%E0%A4%A', '/..'])(
    'never leaves the root for %s',
    async (target) => {
      const reply = await (await serve(site().root))(target)
      expect(reply.body).not.toMatch(/SECRET|SIBLING/)
      expect([200, 404]).toContain(reply.status)
    },
  )

  it('works with a root given with a trailing slash or as a relative path', async () => {
    const { root } = site()
    expect((await (await serve(`${root}/`))('/style.css')).body).toBe('body{}')
    expect((await (await serve(path.relative(process.cwd(), root)))('/style.css')).body).toBe('body{}')
  })

  it('says 503 with a hint when nothing is built', async () => {
    const reply = await (await serve(makeTempDir()))('/')
    expect(reply.status).toBe(503)
    expect(reply.body).toMatch(/npm run build/)
  })

  it('the CSP allows only the app itself', () => {
    const csp = contentSecurityPolicy()
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("object-src 'none'")
    expect(csp).not.toContain('unsafe-eval')
  })

  it('sends text assets brotli- or gzip-compressed as accepted, with Vary and an ETag that revalidates to 304', async () => {
    const { root } = site()
    const script = 'export const answer = 42;\n'.repeat(400)
    fs.writeFileSync(path.join(root, 'app.js'), script)
    const get = await serve(root)

    const br = await get('/app.js', { 'accept-encoding': 'gzip, deflate, br' })
    expect(br.headers).toMatchObject({ 'content-encoding': 'br', vary: 'Accept-Encoding', 'cache-control': 'public, max-age=31536000, immutable' })
    expect(zlib.brotliDecompressSync(br.bytes).toString()).toBe(script)
    expect(br.bytes.length).toBeLessThan(script.length / 10)

    const gzip = await get('/app.js', { 'accept-encoding': 'gzip' })
    expect(gzip.headers['content-encoding']).toBe('gzip')
    expect(zlib.gunzipSync(gzip.bytes).toString()).toBe(script)
    expect(gzip.headers.etag).not.toBe(br.headers.etag)

    const plain = await get('/app.js', { 'accept-encoding': 'br;q=0, gzip;q=0' })
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.body).toBe(script)

    const again = await get('/app.js', { 'accept-encoding': 'br', 'if-none-match': br.headers.etag! })
    expect(again.status).toBe(304)
    expect(again.bytes.length).toBe(0)
    // A changed file is a new version: the old tag no longer matches.
    fs.writeFileSync(path.join(root, 'app.js'), `${script}// v2\n`)
    expect((await get('/app.js', { 'accept-encoding': 'br', 'if-none-match': br.headers.etag! })).status).toBe(200)
    // Already-compressed formats go out as they are.
    expect((await get('/data.bin', { 'accept-encoding': 'br' })).headers['content-encoding']).toBeUndefined()
  })
})
