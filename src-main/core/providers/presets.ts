import type { CompatPreset, PresetInfo, ProviderKind } from '../../../src-shared/contract'

/** What a user can add in Providers & Health, with the address each one answers on by default. */
export const PRESETS: readonly PresetInfo[] = [
  { kind: 'ollama', name: 'Ollama', baseUrl: 'http://127.0.0.1:11434', needsKey: false },
  { kind: 'openai', name: 'OpenAI', baseUrl: 'https://api.openai.com/v1', needsKey: true },
  { kind: 'anthropic', name: 'Anthropic', baseUrl: 'https://api.anthropic.com', needsKey: true },
  { kind: 'gemini', name: 'Google Gemini', baseUrl: 'https://generativelanguage.googleapis.com', needsKey: true },
  { kind: 'huggingface', name: 'Hugging Face', baseUrl: 'https://router.huggingface.co/v1', needsKey: true },
  { kind: 'openai-compatible', preset: 'llamacpp', name: 'llama.cpp server', baseUrl: 'http://127.0.0.1:8080/v1', needsKey: false },
  {
    kind: 'openai-compatible',
    preset: 'llamacpp-rpc',
    name: 'llama.cpp RPC cluster',
    baseUrl: 'http://127.0.0.1:8080/v1',
    needsKey: false,
    note: 'One model split over several machines. On each worker run `rpc-server -H 0.0.0.0 -p 50052`; on the head run `llama-server -m model.gguf --rpc host1:50052,host2:50052 --host 0.0.0.0 --port 8080`, then point this provider at the head.',
  },
  { kind: 'openai-compatible', preset: 'vllm', name: 'vLLM', baseUrl: 'http://127.0.0.1:8000/v1', needsKey: false },
  { kind: 'openai-compatible', preset: 'lmstudio', name: 'LM Studio', baseUrl: 'http://127.0.0.1:1234/v1', needsKey: false },
  { kind: 'openai-compatible', preset: 'openrouter', name: 'OpenRouter', baseUrl: 'https://openrouter.ai/api/v1', needsKey: true },
  {
    kind: 'openai-compatible',
    preset: 'exo',
    name: 'exo',
    baseUrl: 'http://127.0.0.1:52415/v1',
    needsKey: false,
    note: 'exo splits a model over the machines it finds on the network. Run `exo` on each machine; any of them answers on port 52415.',
  },
  { kind: 'openai-compatible', preset: 'custom', name: 'Other OpenAI-compatible server', baseUrl: '', needsKey: false },
  { kind: 'gguf', name: 'GGUF file', baseUrl: '', needsKey: false },
]

/** The preset for a kind (and, for OpenAI-compatible servers, which server). */
export function presetFor(kind: ProviderKind, preset?: CompatPreset): PresetInfo | undefined {
  if (kind === 'openai-compatible') return PRESETS.find((p) => p.kind === kind && p.preset === (preset ?? 'custom'))
  return PRESETS.find((p) => p.kind === kind)
}

/** The address used when none is configured ('' when there is none to guess, e.g. a custom server). */
export function defaultBaseUrl(kind: ProviderKind, preset?: CompatPreset): string {
  return presetFor(kind, preset)?.baseUrl ?? ''
}
