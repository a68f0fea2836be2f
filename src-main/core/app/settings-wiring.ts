import { normalizeOllamaHost } from '../ollama'
import type { CapabilityWiring } from './capability'
import type { BaseWiringContext } from './wiring-context'

/** settings.json: read, update, reset. (createCore pushes each change to every client as `settings.changed`.) */
export function wireSettings(ctx: BaseWiringContext): CapabilityWiring<'settings'> {
  const { settings } = ctx
  return {
    handlers: {
      'settings.get': () => settings.get(),
      // Hosts are stored as Ollama understands them, so a typo is refused here, not at the first chat.
      'settings.update': (patch) =>
        settings.update(patch.ollama?.host === undefined ? patch : { ...patch, ollama: { ...patch.ollama, host: normalizeOllamaHost(patch.ollama.host) } }),
      'settings.reset': () => settings.reset(),
    },
    streamHandlers: {},
  }
}
