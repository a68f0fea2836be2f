import { siAnthropic, siGooglegemini, siHuggingface, siLmstudio, siOllama, siOpenrouter, siVllm, type SimpleIcon } from 'simple-icons'

/**
 * Provider logos from simple-icons (CC0), by provider kind or OpenAI-compatible preset. Brands the
 * package does not carry (OpenAI among them) get a monogram. Drawn in the text colour, so every
 * logo reads in both themes; decorative, since the provider's name is always written beside it.
 */
const logos: Readonly<Record<string, SimpleIcon>> = {
  ollama: siOllama,
  anthropic: siAnthropic,
  gemini: siGooglegemini,
  huggingface: siHuggingface,
  lmstudio: siLmstudio,
  openrouter: siOpenrouter,
  vllm: siVllm,
}

export const logoFor = (kind: string, preset?: string): SimpleIcon | undefined => (preset ? logos[preset] : undefined) ?? logos[kind]

export function ProviderLogo({ kind, preset, name, size = 16 }: { kind: string; preset?: string; name: string; size?: number }) {
  const icon = logoFor(kind, preset)
  if (!icon) {
    return (
      <span className="provider-logo monogram" aria-hidden="true" data-logo="monogram" style={{ width: size, height: size, fontSize: Math.round(size * 0.62) }}>
        {name.trim().charAt(0).toUpperCase() || '?'}
      </span>
    )
  }
  return (
    <svg className="provider-logo" aria-hidden="true" focusable="false" viewBox="0 0 24 24" width={size} height={size} data-logo={icon.slug}>
      <path d={icon.path} fill="currentColor" />
    </svg>
  )
}
