// Test-only: lets plain Node (type stripping, Node 22.18+) run our TypeScript sources, whose
// imports omit the .ts extension the way the bundler expects. Used by the worker and crash tests.
import { registerHooks } from 'node:module'

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context)
    } catch (error) {
      if (!specifier.startsWith('.') || error?.code !== 'ERR_MODULE_NOT_FOUND') throw error
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
