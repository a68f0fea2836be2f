import type { SecretStore } from '../secrets'
import type { SecretScrubber } from './redact'

/**
 * The secret store, with every value that is saved or read registered with the log scrubber
 * first: a key (a provider's, an MCP server's env value or header) can then never reach a log
 * line, a renderer echo or a diagnostics bundle, whichever component handled it.
 */
export function scrubbingSecretStore(store: SecretStore, scrubber: Pick<SecretScrubber, 'register'>): SecretStore {
  return {
    kind: store.kind,
    get(name) {
      const value = store.get(name)
      if (value) scrubber.register(value)
      return value
    },
    set(name, value) {
      scrubber.register(value)
      store.set(name, value)
    },
    delete: (name) => store.delete(name),
  }
}
