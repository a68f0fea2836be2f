import type { ModelCapabilities } from '../../../src-shared/contract'

/**
 * What we know of well-known models by name, for servers that do not say (Ollama's /api/tags,
 * OpenAI's model list) or say only part of it. A server's own answer always wins over a hint.
 */

interface Hint {
  pattern: RegExp
  tools?: boolean
  vision?: boolean
  reasoning?: boolean
  contextWindow?: number
}

const K = 1024
const M = 1_048_576

/** First match wins, so specific families come before their general ones. */
const HINTS: Hint[] = [
  // Anthropic: every Claude 3+ model sees pictures and calls tools; extended thinking from 3.7 on.
  { pattern: /^claude-(3-7|([a-z]+-)?[4-9])/, tools: true, vision: true, reasoning: true, contextWindow: 200_000 },
  { pattern: /^claude-/, tools: true, vision: true, contextWindow: 200_000 },
  // Google Gemini.
  { pattern: /^gemini-(2\.5|[3-9])/, tools: true, vision: true, reasoning: true, contextWindow: M },
  { pattern: /^gemini-1\.5-pro/, tools: true, vision: true, contextWindow: 2 * M },
  { pattern: /^gemini-/, tools: true, vision: true, contextWindow: M },
  { pattern: /^gemma-3/, vision: true, contextWindow: 128 * K },
  // OpenAI.
  { pattern: /^gpt-5/, tools: true, vision: true, reasoning: true, contextWindow: 400_000 },
  { pattern: /^gpt-4\.1/, tools: true, vision: true, contextWindow: M },
  { pattern: /^(gpt-4o|chatgpt-4o)/, tools: true, vision: true, contextWindow: 128_000 },
  { pattern: /^o[1-9](-|$)/, tools: true, vision: true, reasoning: true, contextWindow: 200_000 },
  { pattern: /^gpt-oss/, tools: true, reasoning: true, contextWindow: 128 * K },
  // Local models (Ollama names, matched without namespace and tag).
  { pattern: /^(llama3\.2-vision|llama4)/, tools: true, vision: true, contextWindow: 128 * K },
  { pattern: /^(llava|bakllava|llava-llama3|llava-phi3|moondream|minicpm-v|granite3\.2-vision)/, vision: true, contextWindow: 4 * K },
  { pattern: /^(qwen2\.5vl|qwen2\.5-vl|qwen3-vl)/, tools: true, vision: true, contextWindow: 128 * K },
  { pattern: /^gemma3n?/, vision: true, contextWindow: 128 * K },
  { pattern: /^mistral-small3\.[1-9]/, tools: true, vision: true, contextWindow: 128 * K },
  { pattern: /^(deepseek-r1|qwq|magistral|phi4-reasoning)/, tools: true, reasoning: true, contextWindow: 128 * K },
  { pattern: /^qwen3/, tools: true, reasoning: true, contextWindow: 40 * K },
  { pattern: /^(llama3\.[1-3]|qwen2\.5|mistral-nemo|command-r|granite3|firefunction|hermes3|smollm2)/, tools: true, contextWindow: 128 * K },
  { pattern: /^(mistral|mixtral)/, tools: true, contextWindow: 32 * K },
  { pattern: /^phi4/, contextWindow: 16 * K },
  { pattern: /^(llama3|gemma2|phi3)/, contextWindow: 8 * K },
]

/** `registry.ollama.ai/library/llava:13b` → `llava`; `models/gemini-2.5-pro` → `gemini-2.5-pro`. */
export function modelBaseName(model: string): string {
  const withoutTag = model.trim().toLowerCase().replace(/:[^/:]*$/, '')
  return withoutTag.slice(withoutTag.lastIndexOf('/') + 1)
}

export function capabilityHints(model: string): ModelCapabilities {
  const base = modelBaseName(model)
  const hint = HINTS.find((entry) => entry.pattern.test(base))
  return {
    tools: hint?.tools ?? false,
    vision: hint?.vision ?? false,
    reasoning: hint?.reasoning ?? false,
    contextWindow: hint?.contextWindow ?? null,
  }
}

/** Hints for the name, overridden by whatever the server said (undefined = it did not say). */
export function withKnown(model: string, known: Partial<{ [K in keyof ModelCapabilities]: ModelCapabilities[K] | undefined }>): ModelCapabilities {
  const hints = capabilityHints(model)
  return {
    tools: known.tools ?? hints.tools,
    vision: known.vision ?? hints.vision,
    reasoning: known.reasoning ?? hints.reasoning,
    contextWindow: known.contextWindow ?? hints.contextWindow,
  }
}
