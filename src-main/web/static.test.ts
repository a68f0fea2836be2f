import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDirs } from '../../test/support/tmp'
import { httpRequest } from '../../test/support/web'
import { contentSecurityPolicy, serveStatic } from './static'

const servers: http.Server[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve))
  removeTempDirs()
})

/** A bare server that hands every raw path to serveStatic, so the file logic is tested alone. */
async function serve(root: string) {
  const server = http.createServer((req, res) => serveStatic(root, (req.url ?? '/').split('?')[0] ?? '/', res))
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return (target: string) => httpRequest(port, { path: target })
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
})
