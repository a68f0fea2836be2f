/** Nearest-rank percentile of an ascending list. */
export const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0

/** Times each call (ms), ascending. */
export function timeEach<T>(inputs: readonly T[], run: (input: T) => unknown): number[] {
  return inputs
    .map((input) => {
      const start = performance.now()
      run(input)
      return performance.now() - start
    })
    .sort((a, b) => a - b)
}

/** `items` repeated in order until there are at least `count` of them. */
export const cycle = <T>(items: readonly T[], count: number): T[] => Array.from({ length: Math.max(count, items.length) }, (_, i) => items[i % items.length]!)

/** Every prefix of each phrase, one per keystroke ("w", "wi", "wit", …), as a search box sends them. */
export const keystrokes = (phrases: readonly string[]): string[] =>
  phrases.flatMap((phrase) => Array.from({ length: phrase.length }, (_, i) => phrase.slice(0, i + 1)).filter((typed) => typed.trim() !== '' && !typed.endsWith(' ')))

/** `--name=value` from the command line, or `fallback`. */
export function numberFlag(name: string, fallback: number): number {
  const raw = process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? process.env[name.toUpperCase().replace(/-/g, '_')]
  const value = raw === undefined ? NaN : Number(raw)
  return Number.isFinite(value) && value > 0 ? value : fallback
}
