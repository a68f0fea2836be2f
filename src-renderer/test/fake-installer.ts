import type { ErrorShape, InstallProgress, OllamaDetection, Result, StreamHandle, StreamResult } from '../../src-shared/contract'

export interface FakeInstallerOptions {
  /** What ollama.detect answers first; `installed()` switches it to running. */
  detection?: Partial<OllamaDetection>
  /** What ollama.try answers. */
  reply?: string
}

type InstallResult = StreamResult<'ollama.install'>

const ok = <T>(value: T): Result<T> => ({ ok: true, value })

/**
 * The ollama.* installer routes and the ollama.install stream in memory. Installs are driven by the
 * test: `progress(event)`, then `finish()` or `fail(error)`; cancel ends with E_CANCELLED.
 */
export function fakeInstaller(options: FakeInstallerOptions) {
  let detection: OllamaDetection = { reachable: true, version: '0.12.6', host: 'http://127.0.0.1:11434', installs: [], platform: 'linux', methods: ['per-user'], ...options.detection }
  let pending: { onEvent(event: InstallProgress): void; settle(result: Result<InstallResult>): void } | undefined
  const open = () => {
    if (!pending) throw new Error('no installation is in progress yet')
    return pending
  }
  const running = (): void => {
    detection = { ...detection, reachable: true, version: '0.12.6', installs: [{ path: '/home/u/.local/share/ollama-desk/ollama/bin/ollama', kind: 'ours', ours: true, version: '0.12.6' }] }
  }
  return {
    isInstallerRoute: (route: string) => ['ollama.detect', 'ollama.start', 'ollama.stop', 'ollama.uninstall', 'ollama.try', 'ollama.autoStart'].includes(route),
    call(route: string, input: unknown): Result<unknown> {
      switch (route) {
        case 'ollama.detect':
          return ok(detection)
        case 'ollama.start':
          running()
          return ok({ service: 'process', version: '0.12.6' })
        case 'ollama.stop': {
          // Like the core: only the Ollama Desk installed stops.
          const ours = detection.installs.some((i) => i.ours)
          if (ours) detection = { ...detection, reachable: false, version: undefined }
          return ok({ stopped: ours ? ['process'] : [] })
        }
        case 'ollama.uninstall': {
          const removed = detection.installs.filter((i) => i.ours).map((i) => i.path)
          detection = { ...detection, installs: detection.installs.filter((i) => !i.ours), ...(removed.length > 0 ? { reachable: false, version: undefined } : {}) }
          return ok({ removed })
        }
        case 'ollama.autoStart': {
          const enabled = (input as { enabled: boolean }).enabled
          return ok({ enabled, supported: true, detail: `systemd user unit ${enabled ? 'enabled' : 'disabled'}` })
        }
        case 'ollama.try':
          return ok({ reply: options.reply ?? `Hello from ${(input as { model: string }).model}!`, ms: 1234 })
        default:
          return ok({ removed: [] })
      }
    },
    stream(onEvent: (event: InstallProgress) => void): StreamHandle<InstallResult> {
      let settle: (result: Result<InstallResult>) => void = () => undefined
      const done = new Promise<Result<InstallResult>>((resolve) => (settle = resolve))
      pending = { onEvent, settle }
      return {
        id: 99,
        cancel: () => {
          pending = undefined
          settle({ ok: false, error: { code: 'E_CANCELLED', message: 'The installation was cancelled.', retryable: false } })
        },
        done,
      }
    },
    installing: () => pending !== undefined,
    // Each throws until the screen has opened the install stream: tests `await waitFor(() => …)`.
    progress: (event: InstallProgress) => open().onEvent(event),
    finish() {
      const install = open()
      running()
      install.settle(ok({ version: '0.12.6', binary: '/home/u/.local/share/ollama-desk/ollama/bin/ollama', service: 'process' }))
      pending = undefined
    },
    fail(error: ErrorShape) {
      open().settle({ ok: false, error })
      pending = undefined
    },
  }
}
