import type { AppInfo } from '../../../src-shared/contract'
import { locateElectronBinary, runDoctor } from '../doctor'
import { probeOllama } from '../ollama'
import type { CapabilityWiring } from './capability'
import type { BaseWiringContext } from './wiring-context'

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => {
      clearTimeout(timer)
      resolve()
    })
  })

/** The app itself: what is running, whether Ollama answers, the health checks, links, the transport self-test. */
export function wireApp(ctx: BaseWiringContext): CapabilityWiring<'app'> {
  const { options, env, paths } = ctx
  const info: AppInfo = {
    name: 'Ollama Desk',
    version: options.version,
    mode: options.mode,
    platform: process.platform,
    arch: process.arch,
    versions: { node: process.versions.node, ...(options.electronVersion ? { electron: options.electronVersion } : {}) },
    dataDir: paths.root,
    ...(env.OLLAMA_HOST ? { ollamaHostFromEnv: env.OLLAMA_HOST } : {}),
  }
  const locateElectron = options.locateElectron ?? (() => locateElectronBinary(undefined, env))
  const openExternal = options.openExternal ?? (async () => false)

  return {
    handlers: {
      'app.info': () => info,
      'ollama.status': ({ host }) => probeOllama(host ?? ctx.ollamaHost(), { fetch: options.fetch }),
      'diagnostics.doctor': async () => ({
        checks: await runDoctor({
          dataDir: paths.root,
          settingsFile: paths.settings,
          nodeVersion: process.version,
          locateElectron,
          fetch: options.fetch,
          ollamaHost: ctx.ollamaHost(),
          settingsNotices: ctx.settings.notices,
        }),
      }),
      'shell.openExternal': async ({ url }) => ({ opened: await openExternal(url) }),
    },
    streamHandlers: {
      async *'diagnostics.loopback'({ count, payloadBytes, intervalMs }, { signal }) {
        const payload = 'x'.repeat(payloadBytes)
        let sent = 0
        for (; sent < count && !signal.aborted; sent++) {
          if (intervalMs > 0) await sleep(intervalMs, signal)
          yield { seq: sent, payload }
        }
        return { sent }
      },
    },
  }
}
