import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import type { McpState } from '../../../src-shared/contract/mcp'
import type { Live } from './connection-support'

/** The handshake and first list fetch are under way. */
export interface Connecting {
  is: 'connecting'
  /** A retry after the server was lost (its status shows `restarting` / `reconnecting`). */
  restart: boolean
  /** Waiting for the user to finish the OAuth sign-in in the browser. */
  signingIn: boolean
  /** The transport of the handshake in flight: a stop closes it so its child does not outlive us. */
  opening: Transport | undefined
  /** Set once the handshake is done, while the lists are fetched. */
  live: Live | undefined
  /** The first thing a stdio server wrote to stdout that is not MCP, for the error message. */
  stdoutNoise: string | undefined
  /** Settles when this attempt has connected or failed. */
  done: Promise<void>
}

export interface Connected {
  is: 'connected'
  live: Live
  /** When it connected: a server that stayed up long enough starts the backoff over. */
  since: number
  /** A ping is asking whether the remote server is still there. */
  probing: boolean
  /** A call met a 401 and the user is signing in again in the browser. */
  signingIn: boolean
}

/**
 * Where a connection is; each phase carries only what exists in it.
 * - `stopped`: not wanted (never started, or stopped).
 * - `stopping`: closing; the status keeps showing `shows` until the close completes.
 * - `waiting`: lost while wanted; the next attempt starts on a timer.
 * - `failed`: given up: the start failed, or the server was lost with restarts off, or a sign-in failed.
 */
export type Phase =
  | { is: 'stopped' }
  | { is: 'stopping'; shows: McpState }
  | Connecting
  | Connected
  | { is: 'waiting'; timer: unknown; nextAttemptAt: number }
  | { is: 'failed' }

/** The state the status reports for `phase`; `down` is `reconnecting` (remote) or `restarting` (stdio). */
export function shownState(phase: Phase, enabled: boolean, down: McpState): McpState {
  switch (phase.is) {
    case 'stopped':
      return enabled ? 'stopped' : 'disabled'
    case 'stopping':
      return phase.shows
    case 'connecting':
      return phase.signingIn ? 'signing-in' : phase.restart ? down : 'connecting'
    case 'connected':
      return phase.signingIn ? 'signing-in' : 'connected'
    case 'waiting':
      return down
    case 'failed':
      return 'error'
  }
}

/** The retry details the status reports: the next attempt's time while waiting, `null` once it runs. */
export function shownRetry(phase: Phase, attempt: number): { attempt: number; nextAttemptAt: number | null } | undefined {
  if (phase.is === 'waiting') return { attempt, nextAttemptAt: phase.nextAttemptAt }
  if (phase.is === 'connecting' && phase.restart) return { attempt, nextAttemptAt: null }
  return undefined
}

/** The client of the server, from the end of the handshake until the connection is lost or stopped. */
export function liveOf(phase: Phase): Live | undefined {
  return phase.is === 'connecting' || phase.is === 'connected' ? phase.live : undefined
}
