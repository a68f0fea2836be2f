import { ValidationError } from '../errors'
import type { Compaction, NewMessage, NewSession } from './types'

/** One conversation read from an export, ready to be written in a single transaction. */
export interface ImportedSession extends NewSession {
  /** Where it came from, so importing the same file twice skips it ('chatgpt', 'ollama-cli', …). */
  source: string | null
  sourceId: string | null
  createdAt: number
  pinned?: boolean
  archived?: boolean
  /** Messages in order. When `linked` is false each one's parent is the one before it. */
  messages: (NewMessage & { createdAt: number })[]
  linked: boolean
  /** Compactions of our own exports (only with `linked`); see compactions-repo.ts. */
  compactions?: Omit<Compaction, 'sessionId'>[]
}

export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

export const textOr = (value: unknown, fallback: string | null = null): string | null => (typeof value === 'string' ? value : fallback)

export function shapeError(what: string): ValidationError {
  return new ValidationError(`Unexpected file contents: ${what}.`, [{ path: '(file)', message: what }])
}

/** A title from the first user message: its first line, shortened. */
export function titleFrom(messages: readonly NewMessage[], fallback: string): string {
  const first = messages.find((m) => m.role === 'user' && (m.text ?? '').trim().length > 0)?.text ?? ''
  const line = first.trim().split('\n')[0]!.trim()
  return line.length === 0 ? fallback : line.length > 80 ? `${line.slice(0, 79)}…` : line
}

/**
 * Timestamps that strictly increase, so the stored order is the file's order even when the file
 * has no times, equal times, or times that go backwards.
 */
export function increasingTimes(times: readonly (number | null | undefined)[], start: number): number[] {
  let previous = start - 1
  return times.map((time) => {
    const value = typeof time === 'number' && Number.isFinite(time) ? Math.round(time) : previous + 1
    previous = Math.max(value, previous + 1)
    return previous
  })
}

/** Seconds (Python time.time()) or an ISO string, to milliseconds; undefined when unreadable. */
export function toMillis(value: unknown, unit: 'seconds' | 'ms' = 'ms'): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return Math.round(unit === 'seconds' ? value * 1000 : value)
  if (typeof value === 'string') {
    const ms = Date.parse(value)
    return Number.isFinite(ms) ? ms : undefined
  }
  return undefined
}
