import { SETTINGS_VERSION } from '../../../src-shared/contract'

type Doc = Record<string, unknown>
const isDoc = (value: unknown): value is Doc => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Each step lifts a document from version N to N+1. Version 0 is the flat file the first
 * prototype wrote: `{ theme, accent, ollamaHost }`.
 */
const steps: Record<number, (doc: Doc) => Doc> = {
  0: (doc) => {
    const { theme, accent, ollamaHost, ...rest } = doc
    return {
      ...rest,
      version: 1,
      appearance: { ...(theme === undefined ? {} : { theme }), ...(accent === undefined ? {} : { accent }) },
      ...(ollamaHost === undefined ? {} : { ollama: { host: ollamaHost } }),
    }
  },
}

export interface Migrated {
  value: Doc
  from: number
}

/** Brings any earlier document up to the current version; newer or non-object input is returned as found. */
export function migrateSettings(raw: unknown): Migrated | { value: unknown; from: number; unsupported: true } {
  if (!isDoc(raw)) return { value: raw, from: -1, unsupported: true }
  const from = typeof raw.version === 'number' ? raw.version : 0
  if (!Number.isInteger(from) || from > SETTINGS_VERSION || from < 0) {
    return { value: raw, from, unsupported: true }
  }
  let doc = raw
  for (let version = from; version < SETTINGS_VERSION; version++) {
    const step = steps[version]
    if (!step) return { value: raw, from, unsupported: true }
    doc = step(doc)
  }
  return { value: doc, from }
}
