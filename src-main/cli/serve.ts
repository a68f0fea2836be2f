import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { startWebServer } from '../web/server'
import { newToken } from '../web/auth'
import type { Command } from './command'
import { openCore } from './runtime'
import { commandSpecs } from './specs'

const STORED_TOKEN = 'web-companion-token'

/**
 * The built renderer: out/renderer beside out/main. This module may be bundled into out/main or
 * into a chunk below it (out/main/chunks), so look one and two levels up for the folder that has
 * index.html, and name the nearer one when neither is built yet (the server then says so).
 */
export function rendererDirFrom(moduleUrl: string, hasIndex: (dir: string) => boolean = (dir) => fs.existsSync(path.join(dir, 'index.html'))): string {
  const candidates = ['../renderer', '../../renderer'].map((relative) => fileURLToPath(new URL(relative, moduleUrl)))
  return candidates.find(hasIndex) ?? candidates[0]!
}

export function defaultStaticDir(env: Record<string, string | undefined>): string {
  return env.OLLAMA_DESK_RENDERER_DIR ?? rendererDirFrom(import.meta.url)
}

export function openInBrowser(url: string, platform = process.platform): void {
  const [cmd, args] =
    platform === 'darwin' ? ['open', [url]] : platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]]
  const child = spawn(cmd, args, { detached: true, stdio: 'ignore' })
  child.on('error', () => undefined)
  child.unref()
}

export const serveCommand: Command = {
  ...commandSpecs.serve,
  async run({ values }, io) {
    const core = openCore(values, io.env, { ownsHistory: true })
    try {
      const portText = typeof values.port === 'string' ? values.port : undefined
      // Digits only: Number() would also take '', '0x50' and '1e3'.
      const port = portText === undefined ? core.settings.get().webCompanion.port : /^\d{1,5}$/.test(portText) ? Number(portText) : NaN
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        io.err(`error: --port must be a whole number from 0 to 65535, not "${portText}"\n`)
        return 2
      }
      let token = values['persist-token'] ? core.secrets.get(STORED_TOKEN) : undefined
      if (!token) {
        token = newToken()
        if (values['persist-token']) core.secrets.set(STORED_TOKEN, token)
      }
      const server = await startWebServer({
        core,
        token,
        port,
        staticDir: defaultStaticDir(io.env),
        host: typeof values.host === 'string' ? values.host : '127.0.0.1',
        allowNonLoopback: values['allow-lan'] === true,
        extraHosts: typeof values['allow-host'] === 'string' ? values['allow-host'].split(',').map((name) => name.trim()).filter(Boolean) : undefined,
      })
      const address = `${server.url}?token=${token}`
      io.out(`Ollama Desk web companion is running.\n  Open: ${address}\n  Data: ${core.paths.root}\nPress Ctrl+C to stop.\n`)
      if (values.open !== false) openInBrowser(address)
      await io.untilStopped()
      io.out('Stopping…\n')
      await server.close()
      return 0
    } finally {
      await core.close()
    }
  },
}
