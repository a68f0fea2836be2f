import type { SecretScrubber } from '../log'

export const REDACTED = '[redacted]'

/** Keys whose values are secret wherever they appear in a config file. */
const SECRET_KEY = /(api[-_]?key|token|secret|password|passwd|authorization|cookie|credential|private[-_]?key|bearer|session[-_]?key)/i
/** Maps whose every value may be secret (MCP server env and headers): names stay, values go. */
const VALUE_MAPS = new Set(['env', 'headers'])

/**
 * A copy of a parsed config file fit for a bug report: secret-named keys, every env and header
 * value, and anything the scrubber knows (registered keys, key shapes, Bearer tokens) are removed.
 */
export function redactConfig(value: unknown, scrubber: Pick<SecretScrubber, 'scrub'>, key?: string): unknown {
  if (typeof value === 'string') return key !== undefined && SECRET_KEY.test(key) ? REDACTED : scrubber.scrub(value)
  if (Array.isArray(value)) return value.map((item) => redactConfig(item, scrubber))
  if (typeof value !== 'object' || value === null) return value
  const out: Record<string, unknown> = {}
  for (const [name, inner] of Object.entries(value)) {
    if (VALUE_MAPS.has(name) && typeof inner === 'object' && inner !== null && !Array.isArray(inner)) {
      out[name] = Object.fromEntries(Object.keys(inner).map((k) => [k, REDACTED]))
    } else if (SECRET_KEY.test(name) && (typeof inner === 'string' || typeof inner === 'number')) {
      out[name] = REDACTED
    } else {
      out[name] = redactConfig(inner, scrubber, name)
    }
  }
  return out
}

/** A config file's text, redacted; text that is not JSON is scrubbed line by line instead. */
export function redactConfigText(text: string, scrubber: Pick<SecretScrubber, 'scrub'>): string {
  try {
    return `${JSON.stringify(redactConfig(JSON.parse(text), scrubber), null, 2)}\n`
  } catch {
    return `(not valid JSON; scrubbed as text)\n${scrubber.scrub(text)}`
  }
}
