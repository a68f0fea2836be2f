/** Display formatting shared by the session screens; the user's locale decides the details. */

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' })
const dayMonth = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' })
const dayMonthYear = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' })
const integer = new Intl.NumberFormat()

export const formatDateTime = (ms: number): string => dateTime.format(ms)

/** Short and relative to now: a time today, a day this year, a full date before that. */
export function formatWhen(ms: number, now = Date.now()): string {
  const date = new Date(ms)
  const today = new Date(now)
  if (date.toDateString() === today.toDateString()) return timeOnly.format(date)
  if (date.getFullYear() === today.getFullYear()) return dayMonth.format(date)
  return dayMonthYear.format(date)
}

export const formatCount = (n: number): string => integer.format(n)

export const plural = (n: number, one: string, many = `${one}s`): string => `${formatCount(n)} ${n === 1 ? one : many}`

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KB', 'MB', 'GB', 'TB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`
}

/** Costs are often fractions of a cent: keep enough digits to be non-zero. */
export function formatCost(usd: number): string {
  if (usd === 0) return '$0'
  if (usd >= 0.01) return `$${usd.toFixed(2)}`
  // Two significant digits, without trailing zeros: $0.0004, $0.00012.
  const digits = Math.min(10, 1 - Math.floor(Math.log10(usd)))
  return `$${usd.toFixed(digits).replace(/0+$/, '')}`
}

/** "YYYY-MM-DD" of a local date input → epoch ms of that local midnight (undefined when empty). */
export function dayStart(value: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  if (!match) return undefined
  return new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])).getTime()
}

/** The exclusive end of a "to" date: midnight after it, so the whole day is included. */
export function dayEnd(value: string): number | undefined {
  const start = dayStart(value)
  if (start === undefined) return undefined
  const next = new Date(start)
  next.setDate(next.getDate() + 1)
  return next.getTime()
}
