import { createHash } from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import type { AppAdapter } from 'electron-updater/out/AppAdapter'
import { ElectronHttpExecutor } from 'electron-updater/out/electronHttpExecutor'

/**
 * A loopback update feed laid out as electron-builder publishes one to a generic server: per
 * channel `<channel>.yml` (Windows), `<channel>-mac.yml`, `<channel>-linux[-arch].yml`, each naming
 * the artifact with its sha512 (base64) and size, and the artifacts next to them.
 */
export interface Release {
  version: string
  notes?: string
  /** The artifact's bytes; a tiny shell script by default, so an install can run it harmlessly. */
  artifact?: Buffer
}

export interface UpdateServer {
  url: string
  /** Every path asked for, without the no-cache query. */
  requests: string[]
  /** Writes the channel files of `channel` for this release and serves its artifact. */
  publish(channel: string, release: Release): { file: string; artifact: Buffer }
  /** Replaces a served file's bytes without touching the feed (a tampered or corrupted upload). */
  replace(file: string, bytes: Buffer): void
  /** Serves `body` with `status` at `file` (a missing or malformed feed). */
  serve(file: string, status: number, body: string): void
  close(): Promise<void>
}

const sha512 = (bytes: Buffer) => createHash('sha512').update(bytes).digest('base64')

/** The channel files electron-updater asks for on each platform (and Linux arch). */
export const channelFiles = (channel: string): string[] => [`${channel}.yml`, `${channel}-mac.yml`, `${channel}-linux.yml`, `${channel}-linux-${process.arch}.yml`]

export function feedYaml(file: string, bytes: Buffer, release: Release): string {
  const lines = [
    `version: ${JSON.stringify(release.version)}`,
    'files:',
    `  - url: ${JSON.stringify(file)}`,
    `    sha512: ${JSON.stringify(sha512(bytes))}`,
    `    size: ${bytes.length}`,
    `path: ${JSON.stringify(file)}`,
    `sha512: ${JSON.stringify(sha512(bytes))}`,
    `releaseDate: ${JSON.stringify('2026-11-20T10:00:00.000Z')}`,
  ]
  if (release.notes !== undefined) lines.push(`releaseNotes: ${JSON.stringify(release.notes)}`)
  return `${lines.join('\n')}\n`
}

export async function startUpdateServer(): Promise<UpdateServer> {
  const files = new Map<string, { status: number; body: Buffer }>()
  const requests: string[] = []
  const sockets = new Set<import('node:net').Socket>()
  const server = http.createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.slice(1))
    requests.push(name)
    const file = files.get(name)
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
      return
    }
    res.writeHead(file.status, { 'content-type': 'application/octet-stream', 'content-length': file.body.length })
    res.end(file.body)
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    publish(channel, release) {
      const artifact = release.artifact ?? Buffer.from(`#!/bin/sh\n# Ollama Desk ${release.version}\nexit 0\n`)
      const file = `ollama-desk-${release.version}-linux-x86_64.AppImage`
      files.set(file, { status: 200, body: artifact })
      const yaml = Buffer.from(feedYaml(file, artifact, release))
      for (const name of channelFiles(channel)) files.set(name, { status: 200, body: yaml })
      return { file, artifact }
    },
    replace(file, bytes) {
      files.set(file, { status: 200, body: bytes })
    },
    serve(file, status, body) {
      files.set(file, { status, body: Buffer.from(body) })
    },
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((socket) => socket.destroy())
        server.close(() => resolve())
      }),
  }
}

/**
 * electron-updater's own executor (download, redirects, sha512 check) with Node's http under it:
 * inside Electron it sends through `net`, which tests do not have.
 */
export class NodeHttpExecutor extends ElectronHttpExecutor {
  constructor() {
    super(undefined)
  }

  override createRequest(options: http.RequestOptions, callback: (response: http.IncomingMessage) => void): Electron.ClientRequest {
    const request = http.request(options)
    request.on('response', callback)
    // Only the parts of Electron's request the executor uses (on, end, abort) are needed, and Node's has them.
    return request as unknown as Electron.ClientRequest
  }
}

/** The app as electron-updater sees it: a version, its folders, and a quit we can watch. */
export function fakeAppAdapter(version: string, packaged = true): AppAdapter & { quits: number; root: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'desk-updates-'))
  const configPath = path.join(root, 'app-update.yml')
  fs.writeFileSync(configPath, 'provider: generic\nurl: http://127.0.0.1:9/\nupdaterCacheDirName: ollama-desk-updater\n')
  const adapter = {
    version,
    name: 'Ollama Desk',
    isPackaged: packaged,
    appUpdateConfigPath: configPath,
    userDataPath: path.join(root, 'userData'),
    baseCachePath: path.join(root, 'cache'),
    root,
    quits: 0,
    whenReady: () => Promise.resolve(),
    relaunch: () => undefined,
    quit: () => {
      adapter.quits++
    },
    onQuit: () => undefined,
  }
  return adapter
}
