import type { Net, Protocol } from 'electron'
import fs from 'node:fs'
import path from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { net, protocol } from '../../test/support/electron-fake'
import { makeTempDir } from '../../test/support/tmp'
import { registerAppScheme, serveAppScheme } from './app-protocol'

let rendererDir: string
const request = (url: string) => protocol.handlers.get('app')!({ url } as Request)

beforeEach(() => {
  const root = makeTempDir()
  rendererDir = path.join(root, 'renderer')
  fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true })
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>app</title>')
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)')
  fs.writeFileSync(path.join(root, 'secret.txt'), 'do not serve')
  protocol.handlers.clear()
  serveAppScheme(protocol as unknown as Protocol, net as unknown as Net, rendererDir)
})

describe('app:// scheme', () => {
  it('is registered as a standard, secure scheme before the app is ready', () => {
    registerAppScheme(protocol as unknown as Protocol)
    expect(protocol.privileged).toContainEqual({
      scheme: 'app',
      privileges: expect.objectContaining({ standard: true, secure: true, supportFetchAPI: true }),
    })
  })

  it('serves the renderer files with their content types', async () => {
    const index = await request('app://ollama-desk/index.html')
    expect(index.status).toBe(200)
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(await index.text()).toContain('<title>app</title>')
    const script = await request('app://ollama-desk/assets/app.js')
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
  })

  it('answers client-side routes with index.html', async () => {
    expect(await (await request('app://ollama-desk/settings')).text()).toContain('<title>app</title>')
  })

  it('never serves anything outside the renderer folder, or for another host', async () => {
    for (const url of ['app://ollama-desk/../secret.txt', 'app://ollama-desk/%2e%2e/secret.txt', 'app://ollama-desk/..%2fsecret.txt', 'app://ollama-desk/missing.js']) {
      const response = await request(url)
      expect(response.status, url).toBe(404)
    }
    expect((await request('app://elsewhere/index.html')).status).toBe(404)
  })

  it('says so when the renderer was never built', async () => {
    fs.rmSync(path.join(rendererDir, 'index.html'))
    expect((await request('app://ollama-desk/')).status).toBe(503)
  })
})
