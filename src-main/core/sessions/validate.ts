import { ValidationError } from '../errors'
import type { MessageRole } from './types'

export const ROLES: readonly MessageRole[] = ['system', 'user', 'assistant', 'tool']
const MAX_TITLE = 200
const MAX_TAG = 64
const MAX_TAGS = 50

export function requireText(value: unknown, field: string, max = 1_000): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw new ValidationError(`"${field}" must be a non-empty text of at most ${max} characters.`, [{ path: field, message: 'invalid' }])
  }
  return value
}

export function optionalText(value: unknown, field: string, max = 10_000_000): string | null {
  if (value === undefined || value === null) return null
  if (typeof value !== 'string' || value.length > max) {
    throw new ValidationError(`"${field}" must be text of at most ${max} characters.`, [{ path: field, message: 'invalid' }])
  }
  return value
}

export function requireRole(value: unknown): MessageRole {
  if (!ROLES.includes(value as MessageRole)) {
    throw new ValidationError(`"role" must be one of ${ROLES.join(', ')}.`, [{ path: 'role', message: 'invalid' }])
  }
  return value as MessageRole
}

export function optionalNumber(value: unknown, field: string): number | null {
  if (value === undefined || value === null) return null
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ValidationError(`"${field}" must be a finite number.`, [{ path: field, message: 'invalid' }])
  }
  return value
}

/** One line, trimmed, at most 200 characters; empty is allowed (the UI shows "Untitled"). */
export function cleanTitle(value: unknown): string {
  if (typeof value !== 'string') throw new ValidationError('The title must be text.', [{ path: 'title', message: 'invalid' }])
  return value.replace(/\s+/g, ' ').trim().slice(0, MAX_TITLE)
}

/** Trimmed, de-duplicated tags without control characters (one of them separates tags in queries). */
export function cleanTags(value: unknown): string[] {
  if (!Array.isArray(value) || value.length > MAX_TAGS) {
    throw new ValidationError(`Tags must be a list of at most ${MAX_TAGS}.`, [{ path: 'tags', message: 'invalid' }])
  }
  const tags = value.map((tag) => {
    // eslint-disable-next-line no-control-regex -- control characters are what we remove
    const clean = typeof tag === 'string' ? tag.replace(/[\u0000-\u001f\u007f]/g, '').trim() : ''
    if (clean.length === 0 || clean.length > MAX_TAG) {
      throw new ValidationError(`Each tag must be 1 to ${MAX_TAG} characters.`, [{ path: 'tags', message: 'invalid' }])
    }
    return clean
  })
  return [...new Set(tags)]
}

/** Clamps page sizes so one request cannot pull the whole history into memory. */
export function pageLimit(value: unknown, fallback: number, max: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ValidationError('"limit" must be a positive whole number.', [{ path: 'limit', message: 'invalid' }])
  }
  return Math.min(value, max)
}

export function pageOffset(value: unknown): number {
  if (value === undefined) return 0
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new ValidationError('"offset" must be zero or a positive whole number.', [{ path: 'offset', message: 'invalid' }])
  }
  return value
}
