import path from 'node:path'
import fs from 'node:fs'
import http from 'node:http'
import { describe, expect, it, vi } from 'vitest'
import type { WebSocket } from 'ws'
import { INDEX, SECRET, bearer, client, host, rpc, server, sockets, staticDir, t, token, useCompanion, wsUrl } from '../../test/support/companion'
import { makeTempDir } from '../../test/support/tmp'
import { httpRequest, openWs, rawRequest } from '../../test/support/web'
import type { AppError } from '../core/errors'
import { TOKEN_COOKIE } from './auth'
import { startWebServer } from './server'

useCompanion()

describe('web companion: authentication', () => {
  it('answers 401 without a token, on the API and on static pages', async () => {
    const api = await rpc('app.info', '{}', {})
    expect(api.status).toBe(401)
    expect(JSON.parse(api.body)).toEqual({ ok: false, error: { code: 'E_UNAUTHORIZED', message: expect.any(String), retryable: false } })
    expect((await httpRequest(server.port, { path: '/' })).status).toBe(401)
    expect((await rpc('app.info', '{}', { authorization: `Bearer ${token}x` })).status).toBe(401)
    expect((await rpc('app.info', '{}', { authorization: token })).status).toBe(401)
  })

  it('refuses a WebSocket upgrade without a token with 401', async () => {
    expect((await openWs(wsUrl())).status).toBe(401)
    expect((await openWs(wsUrl('?token=wrong'))).status).toBe(401)
  })

  it('accepts a Bearer token over HTTP and WebSocket', async () => {
    const reply = await rpc('app.info')
    expect(reply.status).toBe(200)
    expect(JSON.parse(reply.body)).toMatchObject({ ok: true, value: { name: 'Ollama Desk', mode: 'web', dataDir: t.dir } })
    const { api } = await client()
    expect(await api.call('app.info', {})).toMatchObject({ ok: true, value: { version: '9.9.9-test' } })
    expect(server.connections).toBe(1)
  })

  it('trades ?token= on a page for an HttpOnly SameSite=Strict cookie and strips it from the address', async () => {
    const reply = await httpRequest(server.port, { path: `/?token=${token}` })
    expect(reply.status).toBe(302)
    expect(reply.headers.location).toBe('/')
    expect(reply.headers['set-cookie']).toEqual([`${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`])
    const deep = await httpRequest(server.port, { path: `/settings?tab=2&token=${token}` })
    expect(deep.headers.location).toBe('/settings?tab=2')
    const page = await httpRequest(server.port, { path: '/', headers: { cookie: `other=1; ${TOKEN_COOKIE}=${token}` } })
    expect(page.status).toBe(200)
    expect(page.body).toBe(INDEX)
    expect((await httpRequest(server.port, { path: '/', headers: { cookie: `${TOKEN_COOKIE}=nope` } })).status).toBe(401)
  })

  it('only trades the query token for a cookie on GET', async () => {
    const head = await httpRequest(server.port, { method: 'HEAD', path: `/?token=${token}` })
    expect(head.status).toBe(200)
    expect(head.headers['set-cookie']).toBeUndefined()
    // Anything but a page load with the token in the address is refused before it is looked at.
    expect((await httpRequest(server.port, { method: 'POST', path: `/?token=${token}` })).status).toBe(401)
  })

  it('refuses ?token= on the API and the WebSocket (addresses end up in logs and history); the cookie works there', async () => {
    const reply = await httpRequest(server.port, { method: 'POST', path: `/api/rpc/app.info?token=${token}` })
    expect(reply.status).toBe(401)
    expect(JSON.parse(reply.body).error.message).toMatch(/not in the address/)
    const { api } = await client({ cookie: `${TOKEN_COOKIE}=${token}` })
    expect((await api.call('settings.get', {})).ok).toBe(true)
    expect((await openWs(wsUrl(`?token=${token}`))).status).toBe(401)
  })

  it('never redirects to another host, whatever the path looks like (/.//host)', async () => {
    for (const path of [`/.//evil.example/?token=${token}`, `//evil.example/?token=${token}`, `/./%2F/evil.example?token=${token}`, `///evil.example?token=${token}`]) {
      const reply = await httpRequest(server.port, { path })
      expect(reply.status, path).toBe(302)
      const location = String(reply.headers.location)
      expect(location, path).toMatch(/^\/(?![/\\])/)
      expect(new URL(location, 'http://127.0.0.1/').host, path).toBe('127.0.0.1')
    }
  })

  it('answers typed errors with a 4xx or 5xx status, never 200', async () => {
    const missing = await rpc('sessions.get', JSON.stringify({ id: 'no-such-session' }))
    expect(missing.status).toBe(404)
    expect(JSON.parse(missing.body)).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } })
  })

  it('drops a client that sends its headers too slowly (408, connection closed)', async () => {
    const strict = await startWebServer({ core: t.core, token, staticDir, port: 0, headersTimeoutMs: 200 })
    try {
      // Headers never finished: only the server's header timeout ends this connection.
      const answer = await rawRequest(strict.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${strict.port}\r\nX-Slow: 1\r\n`)
      expect(answer).toBe('HTTP/1.1 408 Request Timeout')
    } finally {
      await strict.close()
    }
  })

  it('refuses a foreign Host header (DNS rebinding) with 403, even with the token', async () => {
    const reply = await httpRequest(server.port, { path: '/', headers: { ...bearer(), host: `evil.example:${server.port}` } })
    expect(reply.status).toBe(403)
    expect(JSON.parse(reply.body).error.code).toBe('E_FORBIDDEN')
    expect((await httpRequest(server.port, { path: '/', headers: { ...bearer(), host: '127.0.0.1:1' } })).status).toBe(403)
    expect((await openWs(wsUrl(), { headers: { ...bearer(), host: `evil.example:${server.port}` } })).status).toBe(403)
    // The loopback names all work.
    for (const name of ['localhost', '[::1]', '127.0.0.1']) {
      expect((await httpRequest(server.port, { path: '/', headers: { ...bearer(), host: `${name}:${server.port}` } })).status).toBe(200)
    }
  })

  it('started on 127.0.0.2, the URL it prints works; forged Hosts stay refused (issue 19.8)', async () => {
    const second = await startWebServer({ core: t.core, token, staticDir, host: '127.0.0.2', port: 0 })
    try {
      expect(second.url).toBe(`http://127.0.0.2:${second.port}/`)
      const statusOn = (headers: Record<string, string>) =>
        new Promise<number>((resolve, reject) => {
          const req = http.request({ host: '127.0.0.2', port: second.port, path: '/', headers }, (res) => {
            res.resume()
            resolve(res.statusCode ?? 0)
          })
          req.on('error', reject)
          req.end()
        })
      expect(await statusOn(bearer())).toBe(200)
      // Not in LAN mode: the machine's names and other addresses are someone else's.
      for (const forged of [`studio.local:${second.port}`, `192.168.1.20:${second.port}`, `127.0.0.3:${second.port}`]) {
        expect(await statusOn({ ...bearer(), host: forged }), forged).toBe(403)
      }
    } finally {
      await second.close()
    }
  })

  it('refuses a foreign Origin with 403 on HTTP and WebSocket, and accepts its own', async () => {
    for (const origin of ['http://evil.example', `https://${host()}`, 'null', `http://${host()}.evil.example`]) {
      expect((await rpc('app.info', '{}', { ...bearer(), origin })).status, origin).toBe(403)
      expect((await openWs(wsUrl(), { headers: bearer(), origin })).status, origin).toBe(403)
    }
    expect((await rpc('app.info', '{}', { ...bearer(), origin: `http://${host()}` })).status).toBe(200)
    const own = await openWs(wsUrl(), { headers: bearer(), origin: `http://localhost:${server.port}` })
    sockets.push(own.ws as WebSocket)
    expect(own.status).toBe(101)
  })

  it('refuses to listen beyond loopback unless allowed', async () => {
    let thrown: unknown
    try {
      await startWebServer({ core: t.core, token, staticDir, host: '0.0.0.0', port: 0 })
    } catch (error) {
      thrown = error
    }
    expect((thrown as AppError).code).toBe('E_FORBIDDEN')
    expect((thrown as AppError).hint).toMatch(/--allow-lan/)
    await expect(startWebServer({ core: t.core, token, staticDir, host: '192.168.1.20', port: 0 })).rejects.toMatchObject({ code: 'E_FORBIDDEN' })
  })

  it('picks a free port by default, and fails cleanly when the port is taken', async () => {
    const second = await startWebServer({ core: t.core, token, staticDir })
    try {
      expect(second.port).toBeGreaterThan(0)
      expect(second.port).not.toBe(server.port)
      expect(second.url).toBe(`http://127.0.0.1:${second.port}/`)
    } finally {
      await second.close()
    }
    await expect(startWebServer({ core: t.core, token, staticDir, port: server.port })).rejects.toMatchObject({
      code: 'E_NETWORK',
      message: `Port ${server.port} on 127.0.0.1 is already in use.`,
      hint: expect.stringContaining('--port'),
    })
    expect((await rpc('app.info')).status).toBe(200)
  })

  it('never writes the token to the log', async () => {
    await httpRequest(server.port, { path: `/?token=${token}` })
    await httpRequest(server.port, { path: `/nope.js?token=${token}` })
    await rpc('app.info')
    await rpc('nope', JSON.stringify({ token }))
    const { api } = await client()
    await api.call('settings.update', { ollama: { host: `http://127.0.0.1:1/?token=${token}` } })
    t.core.logger.log.warn({ note: `leaked ${token}` }, `the token is ${token}`)
    expect(t.lines.length).toBeGreaterThan(1)
    expect(t.lines.join('')).not.toContain(token)
  })
})

describe('web companion: HTTP API and static files', () => {
  it('sends security headers (CSP and friends) on every response', async () => {
    for (const reply of [await httpRequest(server.port, { path: '/' }), await rpc('app.info'), await httpRequest(server.port, { path: '/', headers: bearer() })]) {
      expect(reply.headers['content-security-policy']).toContain("default-src 'self'")
      expect(reply.headers['content-security-policy']).toContain("frame-ancestors 'none'")
      expect(reply.headers['x-content-type-options']).toBe('nosniff')
      expect(reply.headers['x-frame-options']).toBe('DENY')
      expect(reply.headers['referrer-policy']).toBe('no-referrer')
    }
  })

  it('answers an unknown route with a typed 404, and an unknown API path too', async () => {
    const reply = await rpc('no.such.route')
    expect(reply.status).toBe(404)
    expect(JSON.parse(reply.body)).toMatchObject({ ok: false, error: { code: 'E_UNKNOWN_ROUTE', retryable: false } })
    const other = await httpRequest(server.port, { path: '/api/v2/things', headers: bearer() })
    expect(other.status).toBe(404)
    expect(JSON.parse(other.body).error.code).toBe('E_NOT_FOUND')
  })

  it('answers invalid JSON with a typed 400 and bad input with 400 and issues', async () => {
    const reply = await rpc('settings.update', '{"appearance":')
    expect(reply.status).toBe(400)
    expect(JSON.parse(reply.body)).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } })
    const bad = await rpc('settings.update', JSON.stringify({ appearance: { accent: 'pink' } }))
    expect(bad.status).toBe(400)
    expect(JSON.parse(bad.body).error.issues[0].path).toBe('appearance.accent')
  })

  it('answers an oversize body with a typed 413, both just over the limit and far over it', async () => {
    const justOver = await rpc('settings.update', JSON.stringify({ pad: 'x'.repeat(1024 * 1024) }))
    expect(justOver.status).toBe(413)
    expect(JSON.parse(justOver.body)).toMatchObject({ ok: false, error: { code: 'E_PAYLOAD_TOO_LARGE' } })
    const huge = await rpc('settings.update', Buffer.alloc(5 * 1024 * 1024, 0x61))
    expect(huge.status).toBe(413)
  })

  it('takes an empty body as {} and applies updates over HTTP', async () => {
    expect((await rpc('settings.get', '')).status).toBe(200)
    const updated = await rpc('settings.update', JSON.stringify({ appearance: { theme: 'dark' } }))
    expect(JSON.parse(updated.body)).toMatchObject({ ok: true, value: { appearance: { theme: 'dark' } } })
  })

  it('maps error codes to HTTP statuses: the request’s and its dependencies’ problems 4xx, the companion’s own failures 5xx, never 200', async () => {
    const call = vi.spyOn(t.core.dispatcher, 'call')
    call.mockResolvedValueOnce({ ok: false, error: { code: 'E_INTERNAL', message: 'bug', retryable: false } })
    expect((await rpc('app.info')).status).toBe(500)
    call.mockResolvedValueOnce({ ok: false, error: { code: 'E_CONFIG', message: 'bad file', retryable: false } })
    const config = await rpc('app.info')
    expect(config.status).toBe(409)
    expect(JSON.parse(config.body).error.code).toBe('E_CONFIG')
    // An outside service failing is a failed dependency, not the companion failing: no 5xx.
    call.mockResolvedValueOnce({ ok: false, error: { code: 'E_PROVIDER_SERVER', message: 'the provider failed', retryable: true } })
    expect((await rpc('app.info')).status).toBe(424)
    // A provider refusing its key must not read as the companion's token being wrong.
    call.mockResolvedValueOnce({ ok: false, error: { code: 'E_AUTH', message: 'key refused', retryable: false } })
    expect((await rpc('app.info')).status).toBe(424)
    call.mockResolvedValueOnce({ ok: false, error: { code: 'E_UNSUPPORTED', message: 'not here', retryable: false } })
    expect((await rpc('app.info')).status).toBe(422)
    call.mockResolvedValueOnce({ ok: false, error: { code: 'E_DISK_FULL', message: 'full', retryable: true } })
    expect((await rpc('app.info')).status).toBe(507)
  })

  it('answers a voice model folder that holds no model with 422, not as a server failure (found by the route fuzz)', async () => {
    const folder = makeTempDir()
    const reply = await rpc('voice.models.import', JSON.stringify({ path: folder, kind: 'tts' }))
    expect(JSON.parse(reply.body)).toMatchObject({ ok: false, error: { code: 'E_VOICE_MODEL_INVALID' } })
    expect(reply.status).toBe(422)
  })

  it('answers paths the request names that cannot be used with a 4xx naming the problem (found by the route fuzz)', async () => {
    const folder = makeTempDir()
    const file = path.join(folder, 'notes.json')
    fs.writeFileSync(file, '{}')
    const hooks = await rpc('hooks.list', JSON.stringify({ workspace: file }))
    expect(hooks.status).toBe(400)
    expect(JSON.parse(hooks.body).error.message).toContain(`${file} is a file, not a folder`)
    const bundle = await rpc('diagnostics.bundle', JSON.stringify({ path: file }))
    expect(bundle.status).toBe(400)
    expect(JSON.parse(bundle.body).error).toMatchObject({ code: 'E_VALIDATION', message: expect.stringContaining(`${file} is a file, not a folder`) })
    const exported = await rpc('sessions.exportAll', JSON.stringify({ path: '/proc/self/status', overwrite: true }))
    expect(exported.status).toBe(404)
    expect(JSON.parse(exported.body).error.message).toContain('Could not write the export to /proc/self/status')
    expect(fs.readFileSync(file, 'utf8')).toBe('{}')
  })

  it('only allows POST on RPC and GET/HEAD on pages', async () => {
    expect((await httpRequest(server.port, { path: '/api/rpc/app.info', headers: bearer() })).status).toBe(405)
    expect((await httpRequest(server.port, { method: 'DELETE', path: '/', headers: bearer() })).status).toBe(405)
    const head = await httpRequest(server.port, { method: 'HEAD', path: '/', headers: bearer() })
    expect(head.status).toBe(200)
    expect(head.body).toBe('')
  })

  it('serves built files, and index.html for client-side routes', async () => {
    const js = await httpRequest(server.port, { path: '/assets/app.js', headers: bearer() })
    expect(js.status).toBe(200)
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(js.headers['cache-control']).toContain('immutable')
    const route = await httpRequest(server.port, { path: '/settings/appearance', headers: bearer() })
    expect(route.body).toBe(INDEX)
    expect(route.headers['cache-control']).toBe('no-store')
    expect((await httpRequest(server.port, { path: '/assets/missing.js', headers: bearer() })).status).toBe(404)
  })

  it.each([
    '/../package.json',
    '/assets/../../package.json',
    '/%2e%2e/package.json',
    '/%2E%2E/%2e%2e/package.json',
    '/..%2fpackage.json',
    '/assets/..%2f..%2fpackage.json',
    '/%2e%2e%2fpackage.json',
    '/..%5cpackage.json',
    '/%00/package.json',
    '/%E0%A4%A',
  ])('does not escape the static dir with %s', async (target) => {
    const reply = await httpRequest(server.port, { path: target, headers: bearer() })
    expect(reply.body).not.toContain(SECRET)
    expect([200, 404]).toContain(reply.status)
    if (reply.status === 200) expect(reply.body).toBe(INDEX)
  })

  it('survives request targets that are not valid URLs, and bad escapes in route names', async () => {
    const line = (target: string, auth = true) =>
      rawRequest(server.port, `GET ${target} HTTP/1.1\r\nHost: ${host()}\r\n${auth ? `Authorization: Bearer ${token}\r\n` : ''}Connection: close\r\n\r\n`)
    expect(await line('http://[x/', false)).toBe('HTTP/1.1 401 Unauthorized')
    expect(await line('http://[x/')).toBe('HTTP/1.1 400 Bad Request')
    expect((await httpRequest(server.port, { method: 'POST', path: '/api/rpc/%E0%A4%A', headers: bearer() })).status).toBe(400)
    const upgrade = `GET http://[x/ HTTP/1.1\r\nHost: ${host()}\r\nAuthorization: Bearer ${token}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`
    expect(await rawRequest(server.port, upgrade)).toBe('HTTP/1.1 404 Not Found')
    expect((await rpc('app.info')).status).toBe(200)
  })

  it('refuses WebSocket upgrades on any path but /api/ws', async () => {
    expect((await openWs(`ws://${host()}/other`, { headers: bearer() })).status).toBe(404)
  })

  it('serves 503 when the interface is not built', async () => {
    const empty = makeTempDir()
    const bare = await startWebServer({ core: t.core, token, staticDir: empty, port: 0 })
    try {
      const reply = await httpRequest(bare.port, { path: '/', headers: bearer() })
      expect(reply.status).toBe(503)
      expect(reply.body).toMatch(/npm run build/)
    } finally {
      await bare.close()
    }
  })
})
