import type { z } from 'zod'
import type { ErrorIssue } from '../../../src-shared/contract'
import { ValidationError } from './app-error'

const MAX_ISSUES = 20

export function issuesOf(error: z.ZodError): ErrorIssue[] {
  return error.issues.slice(0, MAX_ISSUES).map((issue) => ({
    path: issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.'),
    message: issue.message,
  }))
}

/** Parses or throws a ValidationError whose message names the first bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  const issues = issuesOf(parsed.error)
  const first = issues[0]
  const where = first && first.path !== '(root)' ? ` at "${first.path}"` : ''
  throw new ValidationError(`Invalid ${what}${where}: ${first?.message ?? 'unknown problem'}.`, issues)
}
