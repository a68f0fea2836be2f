import os from 'node:os'
import path from 'node:path'
import { createDiagnosticsBundle, type BundleVersions } from '../diagnostics'
import { locateElectronBinary, runDoctor } from '../doctor'
import { RendererLogWriter } from '../log'
import { CpuProfiler, marks } from '../profiling'
import type { CapabilityWiring } from './capability'
import { KnownSecrets } from './known-secrets'
import type { BaseWiringContext } from './wiring-context'

export type ObservabilityRouteHandlers = CapabilityWiring<'observability'>['handlers']

export type ObservabilityWiring = CapabilityWiring<'observability'>

export function appVersions(ctx: Pick<BaseWiringContext, 'version' | 'mode' | 'options'>): BundleVersions {
  return {
    app: ctx.version,
    mode: ctx.mode,
    node: process.versions.node,
    electron: ctx.options.electronVersion,
    v8: process.versions.v8,
    os: `${os.type()} ${os.release()}`,
    arch: process.arch,
  }
}

/** Logs from every process, the diagnostics bundle, and profiling (performance marks, CPU profiles). */
export function wireObservability(ctx: BaseWiringContext): ObservabilityWiring {
  const { paths, logger, settings, env, options } = ctx
  const known = new KnownSecrets({ dataDir: paths.root, secrets: ctx.secrets, scrubber: logger.scrubber })
  // Secrets saved by earlier runs are known before the first line is written.
  known.refresh()
  const rendererLog = new RendererLogWriter({ log: logger.log, scrubber: logger.scrubber })
  const profiler = new CpuProfiler({ dir: path.join(paths.root, 'profiles') })
  const log = logger.log.child({ component: 'observability' })

  const handlers: ObservabilityRouteHandlers = {
    'log.write': ({ lines }, request) => {
      known.refresh()
      return rendererLog.write(lines, request.clientId)
    },
    'diagnostics.bundle': async (input) => {
      known.refresh()
      const bundle = await createDiagnosticsBundle({
        dataDir: paths.root,
        logFile: paths.logFile,
        scrubber: logger.scrubber,
        versions: appVersions(ctx),
        target: input.path,
        includeBase64: input.includeBase64,
        checks: () =>
          runDoctor({
            dataDir: paths.root,
            settingsFile: paths.settings,
            settingsNotices: settings.notices,
            ollamaHost: env.OLLAMA_HOST || settings.get().ollama.host,
            nodeVersion: process.version,
            locateElectron: options.locateElectron ?? (() => locateElectronBinary(undefined, env)),
            fetch: options.fetch,
            ollamaTimeoutMs: 2000,
          }),
      })
      log.info({ file: bundle.path, bytes: bundle.bytes }, 'diagnostics bundle written')
      return bundle
    },
    'profiling.marks': ({ limit }) => ({ entries: marks.recent(limit), capacity: marks.capacity }),
    'profiling.cpuProfile': async ({ action }) => {
      if (action === 'status') return profiler.status()
      if (action === 'start') {
        const state = await profiler.start()
        log.info('CPU profile started')
        return state
      }
      const saved = await profiler.stop()
      log.info({ file: saved.path, bytes: saved.bytes }, 'CPU profile saved')
      return saved
    },
  }
  return { handlers, streamHandlers: {}, close: () => profiler.close() }
}
