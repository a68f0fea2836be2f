import fs from 'node:fs'
import path from 'node:path'
import type { BudgetStatus, Price, Routing } from '../../../src-shared/contract'
import { AppError, ValidationError } from '../errors'
import type { Logger } from '../log'
import { isFree } from './pricing'

export type BudgetCaps = Routing['budget']

/** Days of spend by provider: { '2026-11-05': { openai: 0.42 } }, local calendar days. */
interface LedgerFile {
  version: 1
  days: Record<string, Record<string, number>>
}

const KEEP_MONTHS = 13

const two = (n: number): string => String(n).padStart(2, '0')
export const dayKey = (at: number): string => {
  const d = new Date(at)
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`
}
const monthKey = (at: number): string => dayKey(at).slice(0, 7)

function parseLedger(text: string): LedgerFile {
  const data = JSON.parse(text) as unknown
  if (!data || typeof data !== 'object' || (data as LedgerFile).version !== 1) throw new Error('not a spend ledger')
  const days = (data as LedgerFile).days
  if (!days || typeof days !== 'object') throw new Error('no days')
  for (const [day, providers] of Object.entries(days)) {
    if (!/^\d{4}-\d\d-\d\d$/.test(day) || !providers || typeof providers !== 'object') throw new Error(`bad day ${day}`)
    for (const usd of Object.values(providers)) if (typeof usd !== 'number' || !Number.isFinite(usd) || usd < 0) throw new Error(`bad amount on ${day}`)
  }
  return { version: 1, days }
}

/**
 * What the app spent, by day and provider, in a small JSON file. Written whole via a temp file
 * and rename, so a crash never leaves half a ledger; an unreadable ledger is set aside as
 * `.bad` (for the user to look at) and counting starts over.
 */
export class SpendLedger {
  private data: LedgerFile = { version: 1, days: {} }

  constructor(
    private readonly file: string,
    private readonly log: Pick<Logger, 'warn'>,
  ) {
    this.load()
  }

  add(providerId: string, usd: number, at: number): void {
    if (!Number.isFinite(usd) || usd < 0) throw new ValidationError(`A spend must be zero or more dollars; got ${usd}.`)
    if (usd === 0) return
    const day = (this.data.days[dayKey(at)] ??= {})
    day[providerId] = (day[providerId] ?? 0) + usd
    this.prune(at)
    this.save()
  }

  today(at: number): number {
    return sum(this.data.days[dayKey(at)])
  }

  month(at: number): number {
    const month = monthKey(at)
    let total = 0
    for (const [day, providers] of Object.entries(this.data.days)) if (day.startsWith(month)) total += sum(providers)
    return total
  }

  byProvider(at: number): Record<string, { todayUsd: number; monthUsd: number }> {
    const today = dayKey(at)
    const month = monthKey(at)
    const out: Record<string, { todayUsd: number; monthUsd: number }> = {}
    for (const [day, providers] of Object.entries(this.data.days)) {
      if (!day.startsWith(month)) continue
      for (const [id, usd] of Object.entries(providers)) {
        const row = (out[id] ??= { todayUsd: 0, monthUsd: 0 })
        row.monthUsd += usd
        if (day === today) row.todayUsd += usd
      }
    }
    return out
  }

  private prune(at: number): void {
    const d = new Date(at)
    const oldest = monthKey(new Date(d.getFullYear(), d.getMonth() - (KEEP_MONTHS - 1), 1).getTime())
    for (const day of Object.keys(this.data.days)) if (day.slice(0, 7) < oldest) delete this.data.days[day]
  }

  private load(): void {
    let text: string
    try {
      text = fs.readFileSync(this.file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.log.warn({ err: error, file: this.file }, 'spend ledger unreadable; counting from zero')
      return
    }
    try {
      this.data = parseLedger(text)
    } catch (error) {
      const bad = `${this.file}.bad`
      try {
        fs.renameSync(this.file, bad)
      } catch (renameError) {
        this.log.warn({ err: renameError, file: this.file }, 'could not set the corrupt spend ledger aside')
      }
      this.log.warn({ err: error, file: this.file, keptAs: bad }, 'spend ledger was corrupt; kept it aside and started over')
    }
  }

  private save(): void {
    // A failed write loses a little accounting, never a reply: log it and keep counting in memory.
    const temp = `${this.file}.${process.pid}.tmp`
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true })
      fs.writeFileSync(temp, `${JSON.stringify(this.data)}\n`, { mode: 0o600 })
      fs.renameSync(temp, this.file)
    } catch (error) {
      fs.rmSync(temp, { force: true })
      this.log.warn({ err: error, file: this.file }, 'could not save the spend ledger')
    }
  }
}

function sum(providers: Record<string, number> | undefined): number {
  let total = 0
  for (const usd of Object.values(providers ?? {})) total += usd
  return total
}

type SpendSource = Pick<SpendLedger, 'today' | 'month'>

/** `warnAt` is a fraction of each cap; 0 turns the warning off. A cap of 0 allows only free models. */
export function budgetStatus(ledger: SpendSource, caps: BudgetCaps, now: number): BudgetStatus {
  const todayUsd = ledger.today(now)
  const monthUsd = ledger.month(now)
  const over = (spent: number, cap: number | null, fraction: number): boolean => cap !== null && spent >= cap * fraction
  let state: BudgetStatus['state'] = 'ok'
  if (over(todayUsd, caps.dailyUsd, 1) || over(monthUsd, caps.monthlyUsd, 1)) state = 'blocked'
  else if (caps.warnAt > 0 && (over(todayUsd, caps.dailyUsd, caps.warnAt) || over(monthUsd, caps.monthlyUsd, caps.warnAt))) state = 'warn'
  return { todayUsd, monthUsd, dailyUsd: caps.dailyUsd, monthlyUsd: caps.monthlyUsd, state }
}

const usd = (n: number): string => `$${n.toFixed(2)}`

/**
 * Throws E_BUDGET when a cap is reached, unless the model is known to be free (local models).
 * A model of unknown price is treated as paid. Returns the status so callers can show a warning.
 */
export function assertWithinBudget(ledger: SpendSource, caps: BudgetCaps, now: number, price: Price | null): BudgetStatus {
  const status = budgetStatus(ledger, caps, now)
  if (status.state !== 'blocked' || isFree(price)) return status
  const daily = caps.dailyUsd !== null && status.todayUsd >= caps.dailyUsd
  const message = daily
    ? `Today's spending cap of ${usd(caps.dailyUsd!)} is reached (spent ${usd(status.todayUsd)}).`
    : `This month's spending cap of ${usd(caps.monthlyUsd!)} is reached (spent ${usd(status.monthUsd)}).`
  throw new AppError('E_BUDGET', message, { hint: 'Raise the cap in Providers & Health → Budget, or pick a local model, which costs nothing.' })
}

/** A short line for the `budget` chat event when spending nears a cap: the cap closest to being reached. */
export function budgetWarning(status: BudgetStatus): string | null {
  if (status.state !== 'warn') return null
  const ratio = (spent: number, cap: number | null): number => (cap === null ? -1 : cap === 0 ? Infinity : spent / cap)
  if (ratio(status.todayUsd, status.dailyUsd) >= ratio(status.monthUsd, status.monthlyUsd)) {
    return `You have spent ${usd(status.todayUsd)} of today's ${usd(status.dailyUsd ?? 0)} cap.`
  }
  return `You have spent ${usd(status.monthUsd)} of this month's ${usd(status.monthlyUsd ?? 0)} cap.`
}
