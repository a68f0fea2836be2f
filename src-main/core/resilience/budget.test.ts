import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { AppError } from '../errors'
import { silentLogger } from '../log'
import { SpendLedger, assertWithinBudget, budgetStatus, budgetWarning } from './budget'

let dir: string
let file: string
beforeEach(() => {
  dir = makeTempDir('ledger-')
  file = path.join(dir, 'spend.json')
})
afterEach(removeTempDirs)

const at = (month: number, day: number, hour = 12, year = 2026) => new Date(year, month - 1, day, hour).getTime()

function recordingLogger() {
  const warnings: string[] = []
  const log = { warn: (_obj: unknown, msg?: string) => warnings.push(msg ?? '') }
  return { log: log as unknown as ReturnType<typeof silentLogger>, warnings }
}

describe('SpendLedger', () => {
  it('sums today, this month and by provider', () => {
    const ledger = new SpendLedger(file, silentLogger())
    ledger.add('openai', 0.5, at(11, 5, 9))
    ledger.add('openai', 0.25, at(11, 5, 20))
    ledger.add('anthropic', 1, at(11, 4))
    ledger.add('anthropic', 4, at(10, 30))
    expect(ledger.today(at(11, 5))).toBeCloseTo(0.75)
    expect(ledger.month(at(11, 5))).toBeCloseTo(1.75)
    expect(ledger.byProvider(at(11, 5))).toEqual({ openai: { todayUsd: 0.75, monthUsd: 0.75 }, anthropic: { todayUsd: 0, monthUsd: 1 } })
  })

  it('survives a restart', () => {
    new SpendLedger(file, silentLogger()).add('openai', 2, at(11, 5))
    expect(new SpendLedger(file, silentLogger()).today(at(11, 5))).toBe(2)
    expect(fs.readdirSync(dir)).toEqual(['spend.json'])
  })

  it('keeps a corrupt file aside as .bad, logs, and starts empty', () => {
    fs.writeFileSync(file, '{"version":1,"days":{"2026-11-05":{"openai":')
    const { log, warnings } = recordingLogger()
    const ledger = new SpendLedger(file, log)
    expect(ledger.month(at(11, 5))).toBe(0)
    expect(fs.readFileSync(`${file}.bad`, 'utf8')).toContain('"openai":')
    expect(warnings.join()).toMatch(/corrupt/)
    ledger.add('openai', 1, at(11, 5))
    expect(new SpendLedger(file, silentLogger()).today(at(11, 5))).toBe(1)
  })

  it('treats valid JSON of the wrong shape as corrupt too', () => {
    fs.writeFileSync(file, JSON.stringify({ version: 1, days: { '2026-11-05': { openai: -3 } } }))
    expect(new SpendLedger(file, silentLogger()).today(at(11, 5))).toBe(0)
    expect(fs.existsSync(`${file}.bad`)).toBe(true)
  })

  it('keeps only the last 13 months', () => {
    const ledger = new SpendLedger(file, silentLogger())
    ledger.add('a', 1, at(10, 15, 12, 2025))
    ledger.add('a', 1, at(11, 15, 12, 2025))
    ledger.add('a', 1, at(11, 1))
    const days = Object.keys((JSON.parse(fs.readFileSync(file, 'utf8')) as { days: object }).days)
    expect(days.sort()).toEqual(['2025-11-15', '2026-11-01'])
  })

  it('rejects negative or non-finite amounts', () => {
    const ledger = new SpendLedger(file, silentLogger())
    expect(() => ledger.add('a', -1, at(11, 5))).toThrow(/zero or more dollars/)
    expect(() => ledger.add('a', Number.POSITIVE_INFINITY, at(11, 5))).toThrow(AppError)
  })

  it('keeps counting in memory when the file cannot be written', () => {
    const { log, warnings } = recordingLogger()
    fs.mkdirSync(file) // a directory where the file should be: the rename fails
    const ledger = new SpendLedger(path.join(file), log)
    ledger.add('a', 1, at(11, 5))
    expect(ledger.today(at(11, 5))).toBe(1)
    expect(warnings.join()).toMatch(/could not save/)
    expect(fs.readdirSync(dir)).toEqual(['spend.json'])
  })
})

describe('budget', () => {
  const caps = { dailyUsd: 10, monthlyUsd: 100, warnAt: 0.8 }
  const spent = (today: number, month: number) => ({ today: () => today, month: () => month })

  it('is ok below the warning line, warns at warnAt × cap and blocks at the cap', () => {
    expect(budgetStatus(spent(7.99, 50), caps, 0).state).toBe('ok')
    expect(budgetStatus(spent(8, 50), caps, 0).state).toBe('warn')
    expect(budgetStatus(spent(1, 80), caps, 0).state).toBe('warn')
    expect(budgetStatus(spent(10, 50), caps, 0).state).toBe('blocked')
    expect(budgetStatus(spent(1, 100), caps, 0)).toEqual({ todayUsd: 1, monthUsd: 100, dailyUsd: 10, monthlyUsd: 100, state: 'blocked' })
  })

  it('has no limits without caps, and no warning with warnAt 0', () => {
    expect(budgetStatus(spent(1e6, 1e6), { dailyUsd: null, monthlyUsd: null, warnAt: 0.8 }, 0).state).toBe('ok')
    expect(budgetStatus(spent(9.99, 0), { dailyUsd: 10, monthlyUsd: null, warnAt: 0 }, 0).state).toBe('ok')
  })

  it('blocks paid and unknown-price models with a friendly E_BUDGET, never free local ones', () => {
    const over = spent(12, 12)
    expect(() => assertWithinBudget(over, caps, 0, { inputPerMTok: 1, outputPerMTok: 2 })).toThrow(/Today's spending cap of \$10\.00 is reached \(spent \$12\.00\)/)
    try {
      assertWithinBudget(over, caps, 0, null)
      expect.unreachable()
    } catch (error) {
      expect((error as AppError).code).toBe('E_BUDGET')
      expect((error as AppError).hint).toMatch(/raise the cap|local model/i)
    }
    expect(assertWithinBudget(over, caps, 0, { inputPerMTok: 0, outputPerMTok: 0 }).state).toBe('blocked')
  })

  it('names the monthly cap when that is the one reached', () => {
    expect(() => assertWithinBudget(spent(1, 150), caps, 0, null)).toThrow(/This month's spending cap of \$100\.00/)
  })

  it('words the warning for the cap nearest to being reached', () => {
    expect(budgetWarning(budgetStatus(spent(9, 20), caps, 0))).toBe("You have spent $9.00 of today's $10.00 cap.")
    expect(budgetWarning(budgetStatus(spent(1, 90), caps, 0))).toBe("You have spent $90.00 of this month's $100.00 cap.")
    expect(budgetWarning(budgetStatus(spent(1, 1), caps, 0))).toBeNull()
  })
})
