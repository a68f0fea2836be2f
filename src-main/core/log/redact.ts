/** Field names whose values never reach a log, at any depth pino can address. */
export const SECRET_FIELDS = ['apiKey', 'token', 'authorization', 'password', 'secret', 'cookie']

export const redactPaths = SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`])

const patterns: RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{16,}/g, // OpenAI and Anthropic keys
  /\bAIza[0-9A-Za-z_-]{30,}/g, // Google API keys
  /\bhf_[A-Za-z0-9]{20,}/g, // Hugging Face tokens
  /(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
  /([?&]token=)[^&\s"]+/gi,
]

/** Scrubs known key shapes and every registered secret value out of a log line. */
export class SecretScrubber {
  private readonly values = new Set<string>()

  register(value: string): void {
    // Very short values would scrub ordinary words; real secrets are long.
    if (value.length >= 8) this.values.add(value)
  }

  scrub(line: string): string {
    let out = line
    for (const value of this.values) out = out.split(value).join('[redacted]')
    for (const pattern of patterns) {
      out = out.replace(pattern, (_match, prefix: unknown) =>
        typeof prefix === 'string' ? `${prefix}[redacted]` : '[redacted]',
      )
    }
    return out
  }
}
