/**
 * A small line-based unified diff for the approval dialog: trims the common head and tail, then an
 * LCS table over what is left. Past MAX_CELLS the middle is shown as replaced wholesale.
 */

export const DEFAULT_DIFF_CAP = 100_000
const MAX_CELLS = 16_000_000
const CONTEXT = 3

export type Op = { kind: ' ' | '-' | '+'; line: string; a: number; b: number }

function splitLines(text: string): string[] {
  if (text === '') return []
  const lines = text.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  return lines
}

function middleOps(a: string[], b: string[], aStart: number, bStart: number): Op[] {
  const n = a.length
  const m = b.length
  const ops: Op[] = []
  if (n * m > MAX_CELLS || n >= 65_535 || m >= 65_535) {
    a.forEach((line, i) => ops.push({ kind: '-', line, a: aStart + i, b: bStart }))
    b.forEach((line, j) => ops.push({ kind: '+', line, a: aStart + n, b: bStart + j }))
    return ops
  }
  // table[i][j] = LCS length of a[i..] and b[j..]
  const width = m + 1
  const table = new Uint16Array((n + 1) * width)
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i * width + j] = a[i] === b[j] ? (table[(i + 1) * width + j + 1] as number) + 1 : Math.max(table[(i + 1) * width + j] as number, table[i * width + j + 1] as number)
    }
  }
  let i = 0
  let j = 0
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ kind: ' ', line: a[i] as string, a: aStart + i, b: bStart + j })
      i++
      j++
    } else if (i < n && (j === m || (table[(i + 1) * width + j] as number) >= (table[i * width + j + 1] as number))) {
      // On a tie, removals come first, as in git's output.
      ops.push({ kind: '-', line: a[i] as string, a: aStart + i, b: bStart + j })
      i++
    } else {
      ops.push({ kind: '+', line: b[j] as string, a: aStart + i, b: bStart + j })
      j++
    }
  }
  return ops
}

export function diffOps(before: string, after: string): Op[] {
  const a = splitLines(before)
  const b = splitLines(after)
  let head = 0
  while (head < a.length && head < b.length && a[head] === b[head]) head++
  let tail = 0
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++
  const ops: Op[] = []
  for (let k = 0; k < head; k++) ops.push({ kind: ' ', line: a[k] as string, a: k, b: k })
  ops.push(...middleOps(a.slice(head, a.length - tail), b.slice(head, b.length - tail), head, head))
  for (let k = tail; k > 0; k--) ops.push({ kind: ' ', line: a[a.length - k] as string, a: a.length - k, b: b.length - k })
  return ops
}

function range(start: number, count: number): string {
  // Unified diff convention: an empty range names the line before it.
  const first = count === 0 ? start : start + 1
  return count === 1 ? `${first}` : `${first},${count}`
}

/** `--- a/x` / `+++ b/x` and @@ hunks with 3 lines of context; '' when nothing changed. */
export function unifiedDiff(before: string, after: string, options: { oldLabel?: string; newLabel?: string; maxChars?: number } = {}): string {
  const ops = diffOps(before, after)
  const changed = ops.map((op, index) => (op.kind === ' ' ? -1 : index)).filter((index) => index >= 0)
  if (changed.length === 0) return ''
  const hunks: [number, number][] = []
  for (const index of changed) {
    const start = Math.max(0, index - CONTEXT)
    const end = Math.min(ops.length - 1, index + CONTEXT)
    const last = hunks[hunks.length - 1]
    if (last && start <= last[1] + 1) last[1] = Math.max(last[1], end)
    else hunks.push([start, end])
  }
  const out = [`--- ${options.oldLabel ?? 'a'}`, `+++ ${options.newLabel ?? 'b'}`]
  for (const [start, end] of hunks) {
    const slice = ops.slice(start, end + 1)
    const oldCount = slice.filter((op) => op.kind !== '+').length
    const newCount = slice.filter((op) => op.kind !== '-').length
    const first = slice[0] as Op
    out.push(`@@ -${range(first.a, oldCount)} +${range(first.b, newCount)} @@`)
    for (const op of slice) out.push(`${op.kind}${op.line}`)
  }
  const text = out.join('\n')
  const cap = options.maxChars ?? DEFAULT_DIFF_CAP
  return text.length > cap ? `${text.slice(0, cap)}\n[diff truncated]` : `${text}\n`
}
