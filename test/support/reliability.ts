/**
 * How much harder the seeded fault matrices, fuzzers, kill rounds and large transfers work.
 * `npm test` runs them at 1: the small version that still guards a regression. `npm run
 * reliability` sets OLLAMA_DESK_RELIABILITY (10 by default) to run them that many times over.
 */
export const RELIABILITY_SCALE = Math.max(1, Math.floor(Number(process.env.OLLAMA_DESK_RELIABILITY ?? 1)) || 1)

/** `base` rounds (or bytes, or runs) in `npm test`, times the scale in `npm run reliability`. */
export function scaled(base: number): number {
  return base * RELIABILITY_SCALE
}
