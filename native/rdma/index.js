// Loads the built addon (native/rdma/build/Release/rdma.node) or, when it is missing or fails to
// load, the fallback with the same API. Importing this never throws.
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { createUnavailable } from './unavailable.js'

const require = createRequire(import.meta.url)
export const addonPath = fileURLToPath(new URL('./build/Release/rdma.node', import.meta.url))

function load() {
  if (!existsSync(addonPath)) return createUnavailable(`${addonPath} is missing; run npm run build:native`)
  try {
    const addon = require(addonPath)
    return { kind: 'native', ...addon }
  } catch (error) {
    return createUnavailable(`loading ${addonPath} failed: ${error instanceof Error ? error.message : String(error)}`)
  }
}

const rdma = load()

export const { kind, available, listDevices, connect, listen, MmapBuffer } = rdma
export default rdma
