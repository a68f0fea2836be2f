/**
 * A config file in the data folder that names stored secrets, and how to read those names from
 * it. Each capability that keeps secrets declares one (providers' keys, MCP servers' env values
 * and headers); diagnostics' scanner reads them so the log scrubber learns every saved value.
 */
export interface SecretNameSource {
  /** File name inside the data folder, e.g. `providers.json`. */
  file: string
  /** The secret names the parsed file mentions; `config` is untrusted JSON (or undefined). */
  names(config: unknown): string[]
}

/** Helpers for reading untrusted JSON in a SecretNameSource. */
export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
export const stringsIn = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [])
