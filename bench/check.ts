import fs from 'node:fs'

/**
 * `npm run bench:check`: each ratio of this run against its committed ceiling in
 * bench/thresholds.json: `{ "<short name>": maximum ratio }`, or `{ "<short name>": { "min": r } }`
 * for a ratio where higher is better (a throughput against its raw floor). Ratios, not absolute
 * times, so a busier or slower machine does not fail it; a ratio past its bound is a regression.
 * Returns the lines to print and whether every ratio with a ceiling is within it.
 */
export type Threshold = number | { min: number }

export function checkRatios(ratios: Map<string, number>, thresholds: Record<string, Threshold>): { lines: string[]; ok: boolean } {
  const lines: string[] = []
  let ok = true
  for (const [name, bound] of Object.entries(thresholds)) {
    const ratio = ratios.get(name)
    if (ratio === undefined) {
      lines.push(`check: ${name}: not measured in this run (skipped)`)
      continue
    }
    const floor = typeof bound === 'object'
    const limit = floor ? bound.min : bound
    const pass = floor ? ratio >= limit : ratio <= limit
    ok &&= pass
    const sign = floor ? (pass ? '≥' : '<') : pass ? '≤' : '>'
    lines.push(`check: ${name}: ${ratio.toFixed(2)}x ${sign} ${limit}x ${pass ? 'ok' : 'REGRESSION'}`)
  }
  return { lines, ok }
}

export function readThresholds(file: string): Record<string, Threshold> {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, Threshold>
}
