// Test-only: lets plain Node (type stripping, Node 22.18+) run our TypeScript sources, whose
// imports omit the .ts extension (and name folders for their index.ts) the way the bundler expects.
// Used by the worker and crash tests.
import { registerHooks } from 'node:module'

/** A missing file, or a folder (`../errors`) that plain Node will not import without its index.ts. */
const UNRESOLVED = new Set(['ERR_MODULE_NOT_FOUND', 'ERR_UNSUPPORTED_DIR_IMPORT'])

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context)
    } catch (error) {
      if (!specifier.startsWith('.') || !UNRESOLVED.has(error?.code)) throw error
      for (const suffix of ['.ts', '/index.ts']) {
        try {
          return nextResolve(specifier + suffix, context)
        } catch {
          // try the next form
        }
      }
      throw error
    }
  },
})
