import fs from 'node:fs'
import path from 'node:path'
import type { Routing } from '../../../src-shared/contract'
import { AppError, ValidationError } from '../errors'
import type { Candidate } from '../resilience'

/** Checks and notices of a chat turn that are not the turn itself (see chat-service.ts). */

/** A workspace is a folder that exists; tools and workspace hooks work inside it. */
export function checkWorkspace(dir: string): string {
  const absolute = path.resolve(dir)
  let stat
  try {
    stat = fs.statSync(absolute)
  } catch {
    throw new ValidationError(`The workspace folder ${absolute} does not exist.`, [{ path: 'workspace', message: 'missing' }], 'Pick an existing folder.')
  }
  if (!stat.isDirectory()) throw new ValidationError(`${absolute} is not a folder.`, [{ path: 'workspace', message: 'not a folder' }], 'Pick a folder, not a file.')
  return fs.realpathSync(absolute)
}

export function budgetError(today: number, month: number): AppError {
  return new AppError('E_BUDGET', `The spending cap is reached ($${today.toFixed(2)} today, $${month.toFixed(2)} this month).`, {
    hint: 'Raise the cap in Providers & Health, or pick a local model (they are free).',
  })
}

export function budgetWarning(today: number, month: number, routing: Routing): string {
  const caps = [routing.budget.dailyUsd !== null ? `$${today.toFixed(2)} of $${routing.budget.dailyUsd.toFixed(2)} today` : null, routing.budget.monthlyUsd !== null ? `$${month.toFixed(2)} of $${routing.budget.monthlyUsd.toFixed(2)} this month` : null].filter(Boolean)
  return `Close to the spending cap: ${caps.join(', ')}.`
}

/** A skill with its own model answers on the provider that would have answered first; the rest stay as fallbacks. */
export function withSkillModel(candidates: Candidate[], model: string | undefined): Candidate[] {
  const first = candidates[0]
  if (model === undefined || first === undefined) return candidates
  const preferred = { ...first, model }
  return [preferred, ...candidates.filter((c) => c.providerId !== preferred.providerId || c.model !== model)]
}
