/** A failure of a check or download, worded for the user; `code` is the updater's own when it had one. */
export interface UpdateFailure {
  message: string
  code: string | null
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH'])

function codeOf(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : null
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message
  return typeof error === 'string' ? error : 'unknown error'
}

/** electron-updater's error codes (and Node's network ones) as sentences a user can act on. */
export function describeUpdateFailure(error: unknown): UpdateFailure {
  const code = codeOf(error)
  const raw = messageOf(error).split('\n')[0] ?? ''
  if (code === 'ERR_CHECKSUM_MISMATCH') {
    return { code, message: 'The downloaded update did not match its published sha512 checksum and was discarded. Nothing will be installed; try again later.' }
  }
  if (code === 'ERR_UPDATER_INVALID_SIGNATURE') {
    return { code, message: 'The downloaded update is not signed by the expected publisher and was discarded. Nothing will be installed.' }
  }
  if (code === 'ERR_UPDATER_CHANNEL_FILE_NOT_FOUND') {
    const file = /channel "([^"]+)"/.exec(raw)?.[1]
    return { code, message: `The update server has no ${file ?? 'feed file'} for this channel (HTTP 404).` }
  }
  if (code === 'ERR_UPDATER_INVALID_UPDATE_INFO' || code === 'ERR_UPDATER_INVALID_VERSION' || code === 'ERR_UPDATER_NO_FILES_PROVIDED') {
    return { code, message: `The update feed is malformed: ${raw}` }
  }
  if (code !== null && CONNECTION_CODES.has(code)) return { code, message: `Could not reach the update server (${code}). Check the connection and try again.` }
  const status = /HttpError: (\d{3})|^(\d{3}) /.exec(raw)
  if (status) return { code, message: `The update server answered HTTP ${status[1] ?? status[2]}.` }
  return { code, message: `The update failed: ${raw || 'unknown error'}` }
}
