// Test-only: lets plain Node run the app's TypeScript sources as they are (the same resolution as
// src-main/core/sessions/testdata/ts-hooks.mjs, plus JSON imports without an import attribute, the
// way the bundler takes them). Used with --experimental-transform-types by companion-child.mjs.
import '../../../src-main/core/sessions/testdata/ts-hooks.mjs'
import { registerHooks } from 'node:module'

registerHooks({
  load(url, context, nextLoad) {
    if (url.endsWith('.json')) return nextLoad(url, { ...context, importAttributes: { ...context.importAttributes, type: 'json' } })
    return nextLoad(url, context)
  },
})
