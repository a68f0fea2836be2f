import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, expect, vi } from 'vitest'
import { WebSocket } from 'ws'
import { createRpcClient, type Result } from '../../src-shared/contract'
import { newToken } from '../../src-main/web/auth'
import { startWebServer, type WebServer } from '../../src-main/web/server'
import { createTestCore, type TestCore } from './core'
import { makeTempDir, removeTempDirs } from './tmp'
import { httpRequest, openWs, wsPort } from './web'

/**
 * A real web companion over a real core in a temp folder, fresh for every test. The bindings
 * below are live (ES modules), so test files import them by name and always see the current one.
 */
export const INDEX = '<!doctype html><title>Ollama Desk</title>'
export const SECRET = 'outside-the-static-dir'

export let t: TestCore
export let server: WebServer
export let token: string
export let staticDir: string
export const sockets: WebSocket[] = []

export function useCompanion(): void {
  beforeEach(async () => {
    const parent = makeTempDir()
    staticDir = path.join(parent, 'renderer')
    fs.mkdirSync(path.join(staticDir, 'assets'), { recursive: true })
    fs.writeFileSync(path.join(staticDir, 'index.html'), INDEX)
    fs.writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)')
    fs.writeFileSync(path.join(parent, 'package.json'), JSON.stringify({ secret: SECRET }))
    t = createTestCore({ dataDir: path.join(parent, 'data') })
    token = newToken()
    server = await startWebServer({ core: t.core, token, staticDir, port: 0 })
  })

  afterEach(async () => {
    for (const ws of sockets.splice(0)) ws.terminate()
    await server.close()
    await t.core.close()
    removeTempDirs()
    vi.restoreAllMocks()
  })
}

export const host = () => `127.0.0.1:${server.port}`
export const bearer = () => ({ authorization: `Bearer ${token}` })
export const rpc = (route: string, body: string | Buffer = '{}', headers: Record<string, string> = bearer()) =>
  httpRequest(server.port, { method: 'POST', path: `/api/rpc/${route}`, headers: { 'content-type': 'application/json', ...headers }, body })
export const wsUrl = (query = '') => `ws://${host()}/api/ws${query}`

export async function client(headers: Record<string, string> = bearer()) {
  const { ws, status } = await openWs(wsUrl(), { headers })
  expect(status).toBe(101)
  sockets.push(ws as WebSocket)
  return { ws: ws as WebSocket, api: createRpcClient(wsPort(ws as WebSocket)) }
}

export const errorCode = (result: Result<unknown>) => (result.ok ? undefined : result.error.code)
