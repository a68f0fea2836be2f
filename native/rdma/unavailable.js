// The same API as the native addon, for machines where it is not built: nothing crashes, every call
// says why RDMA is unavailable (E_RDMA_UNAVAILABLE), and callers fall back to TCP.

function unavailableError(reason) {
  const error = new Error(`RDMA is unavailable: the native module is not built (${reason})`)
  error.code = 'E_RDMA_UNAVAILABLE'
  error.errno = null
  return error
}

/** An object with the addon's API whose every call reports `reason`. */
export function createUnavailable(reason) {
  class MmapBuffer {
    constructor() {
      throw unavailableError(reason)
    }
  }
  return {
    kind: 'fallback',
    available: () => ({ ok: false, reason: `the native module is not built (${reason})` }),
    listDevices: () => {
      throw unavailableError(reason)
    },
    connect: async () => {
      throw unavailableError(reason)
    },
    listen: async () => {
      throw unavailableError(reason)
    },
    MmapBuffer,
  }
}
