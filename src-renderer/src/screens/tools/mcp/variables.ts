/** One environment variable or header as the form edits it. */
export interface VariableRow {
  key: string
  value: string
  secret: boolean
  /** A secret whose value is already in the secret store; the window never sees it. */
  stored: boolean
  /** The user set the secret checkbox themselves, so the name no longer decides it. */
  touched?: boolean
}

export const emptyRow = (secret = false): VariableRow => ({ key: '', value: '', secret, stored: false })

/** The rows of a saved server: plain values as they are, secret ones by name only. */
export function rowsOf(plain: Record<string, string>, secretNames: readonly string[]): VariableRow[] {
  return [
    ...Object.entries(plain).map(([key, value]) => ({ key, value, secret: false, stored: false })),
    ...secretNames.map((key) => ({ key, value: '', secret: true, stored: true })),
  ]
}

export interface SplitVariables {
  plain: Record<string, string>
  /** Names of the secret ones (new values and those already stored). */
  secretNames: string[]
  /** Only the values typed now; stored ones stay where they are. */
  secretValues: Record<string, string>
}

/** Rows into what the config and the secret store get. Rows without a name are dropped, as are empty new secrets. */
export function splitRows(rows: readonly VariableRow[]): SplitVariables {
  const out: SplitVariables = { plain: {}, secretNames: [], secretValues: {} }
  for (const row of rows) {
    const key = row.key.trim()
    if (!key) continue
    if (!row.secret) {
      out.plain[key] = row.value
      continue
    }
    if (row.value !== '') out.secretValues[key] = row.value
    if (row.value !== '' || row.stored) out.secretNames.push(key)
  }
  return out
}

/** Pasted `KEY=VALUE` (or `Name: value`) lines as rows; lines without the separator are names alone. */
export function parseLines(text: string, separator: '=' | ':'): VariableRow[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const at = line.indexOf(separator)
      return at < 0 ? emptyRowWith(line, '') : emptyRowWith(line.slice(0, at).trim(), line.slice(at + 1).trim())
    })
}

const emptyRowWith = (key: string, value: string): VariableRow => ({ key, value, secret: false, stored: false })

/** Lines of text into a list (args: one a line, blanks dropped). */
export const linesOf = (text: string): string[] => text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean)
