import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { CompatPreset, ProviderKind } from '../../../src-shared/contract'
import { ValidationError } from '../errors'
import { normalizeBaseUrl } from './base-url'

describe('normalizeBaseUrl for OpenAI-style servers', () => {
  it.each<[ProviderKind, CompatPreset | undefined, string, string]>([
    ['openai-compatible', 'llamacpp', 'localhost', 'http://localhost:8080/v1'],
    ['openai-compatible', 'llamacpp', '127.0.0.1:8080', 'http://127.0.0.1:8080/v1'],
    ['openai-compatible', 'vllm', 'gpu-box.local:8000/v1/', 'http://gpu-box.local:8000/v1'],
    ['openai-compatible', 'lmstudio', 'http://192.168.1.20:1234/v1/chat/completions', 'http://192.168.1.20:1234/v1'],
    ['openai-compatible', 'exo', '10.0.0.5', 'http://10.0.0.5:52415/v1'],
    ['openai-compatible', 'openrouter', 'openrouter.ai', 'https://openrouter.ai/api/v1'],
    ['openai-compatible', 'openrouter', 'https://openrouter.ai/api', 'https://openrouter.ai/api/v1'],
    ['openai-compatible', 'openrouter', 'https://openrouter.ai/api/v1/chat/completions', 'https://openrouter.ai/api/v1'],
    ['openai-compatible', 'custom', 'api.groq.com/openai/v1', 'https://api.groq.com/openai/v1'],
    ['openai-compatible', 'custom', 'http://0.0.0.0:9000', 'http://127.0.0.1:9000/v1'],
    ['openai-compatible', undefined, '[::1]:8080', 'http://[::1]:8080/v1'],
    ['openai-compatible', 'llamacpp', 'http://localhost', 'http://localhost/v1'],
    ['openai', undefined, 'api.openai.com', 'https://api.openai.com/v1'],
    ['openai', undefined, 'https://api.openai.com/v1/responses', 'https://api.openai.com/v1'],
    ['openai', undefined, 'http://my-gateway.example.com/v1', 'http://my-gateway.example.com/v1'],
    ['huggingface', undefined, 'router.huggingface.co', 'https://router.huggingface.co/v1'],
    ['anthropic', undefined, 'https://api.anthropic.com/v1/messages', 'https://api.anthropic.com'],
    ['gemini', undefined, 'generativelanguage.googleapis.com/v1beta', 'https://generativelanguage.googleapis.com'],
    ['ollama', undefined, 'localhost', 'http://localhost:11434'],
    ['ollama', undefined, 'http://gpu-box:11434/v1/', 'http://gpu-box:11434'],
    ['ollama', undefined, 'http://gpu-box:11434/api/v1', 'http://gpu-box:11434'],
    ['ollama', undefined, 'gpu-box:80', 'http://gpu-box:80'],
  ])('%s (%s): %j → %s', (kind, preset, input, expected) => {
    expect(normalizeBaseUrl(kind, input, preset).url).toBe(expected)
  })

  it('says in plain words what it added', () => {
    expect(normalizeBaseUrl('openai-compatible', '127.0.0.1:8080', 'llamacpp').note).toBe('Added http:// and the /v1 path llama.cpp serves.')
    expect(normalizeBaseUrl('openai-compatible', 'localhost', 'llamacpp').note).toBe('Added http://, port 8080 and the /v1 path llama.cpp serves.')
    expect(normalizeBaseUrl('openai-compatible', 'https://openrouter.ai/api', 'openrouter').note).toBe('Added the /v1 path OpenRouter serves. Kept https as you typed it.')
  })

  it('says what it removed, and that Ollama lives at the root', () => {
    expect(normalizeBaseUrl('ollama', 'http://h:11434/v1').note).toBe('Removed /v1: Ollama’s native API lives at the root. Kept http as you typed it.')
    expect(normalizeBaseUrl('openai', 'https://api.openai.com/v1/chat/completions').note).toMatch(/^Removed \/chat\/completions: the app adds the endpoint itself\. Kept https as you typed it\.$/)
    expect(normalizeBaseUrl('anthropic', 'https://api.anthropic.com/v1').note).toMatch(/Removed \/v1: the Anthropic SDK adds its own paths/)
  })

  it('never switches a typed scheme, and warns about plain http to the internet', () => {
    expect(normalizeBaseUrl('openai-compatible', 'https://127.0.0.1:8443', 'custom').url).toBe('https://127.0.0.1:8443/v1')
    const plain = normalizeBaseUrl('openai', 'http://api.example.com/v1')
    expect(plain.url).toBe('http://api.example.com/v1')
    expect(plain.note).toMatch(/Kept http as you typed it; traffic to this server is not encrypted/)
  })

  it('keeps an unusual path as typed and says so', () => {
    const result = normalizeBaseUrl('openai-compatible', 'https://gateway.example.com/serving', 'custom')
    expect(result.url).toBe('https://gateway.example.com/serving')
    expect(result.note).toMatch(/Kept the path \/serving as typed; most OpenAI-style servers end in \/v1/)
  })

  it('uses the default for empty input', () => {
    expect(normalizeBaseUrl('openai', '  ')).toEqual({ url: 'https://api.openai.com/v1', note: 'Using the default address https://api.openai.com/v1.' })
    expect(normalizeBaseUrl('huggingface', '').url).toBe('https://router.huggingface.co/v1')
    expect(normalizeBaseUrl('openai-compatible', '', 'lmstudio').url).toBe('http://127.0.0.1:1234/v1')
    expect(normalizeBaseUrl('ollama', '').url).toBe('http://127.0.0.1:11434')
    expect(normalizeBaseUrl('gguf', 'anything').url).toBe('')
  })

  it.each([
    ['openai-compatible', '', /needs an address/],
    ['openai-compatible', 'http://exa mple', /has a space/],
    ['openai', 'ftp://files.example.com', /uses ftp; model servers speak http or https/],
    ['openai', 'http:/broken', /not a host name or URL/],
    ['openai', 'http://:80', /not a host name or URL/],
    ['openai', 'https://user:sk-secret@api.openai.com/v1', /user name or password/],
    ['openai', 'https://api.openai.com/v1?key=1', /\?query or #fragment/],
    ['anthropic', 'http://h:99999', /not a host name or URL/],
    ['ollama', 'ftp://h', /http or https, not ftp/],
  ] as const)('%s %j → ValidationError %s', (kind, input, message) => {
    const run = () => normalizeBaseUrl(kind, input, 'custom')
    expect(run).toThrow(ValidationError)
    expect(run).toThrow(message)
    try {
      run()
    } catch (error) {
      expect((error as ValidationError).hint).toBeTruthy()
    }
  })
})

const hostArb = fc.oneof(
  fc.constantFrom('localhost', '127.0.0.1', '0.0.0.0', '[::1]', '192.168.1.9', 'gpu-box.local', 'api.example.com', 'openrouter.ai', 'Example.COM'),
  fc.domain(),
)
const inputArb = fc
  .record({
    scheme: fc.constantFrom('', 'http://', 'https://', 'HTTP://'),
    host: hostArb,
    port: fc.oneof(fc.constant(''), fc.integer({ min: 1, max: 65535 }).map((p) => `:${p}`)),
    path: fc.constantFrom('', '/', '/v1', '/v1/', '/api', '/api/v1', '/v1/chat/completions', '/v1/models//', '/openai/v1', '/x/y/'),
  })
  .map(({ scheme, host, port, path }) => `${scheme}${host}${port}${path}`)
const kindArb = fc.constantFrom<ProviderKind>('openai', 'huggingface', 'openai-compatible', 'ollama', 'anthropic', 'gemini')
const presetArb = fc.constantFrom<CompatPreset | undefined>(undefined, 'llamacpp', 'vllm', 'lmstudio', 'openrouter', 'exo', 'custom')

describe('normalizeBaseUrl properties', () => {
  it('normalising twice gives the same URL', () => {
    fc.assert(
      fc.property(kindArb, presetArb, inputArb, (kind, preset, input) => {
        const once = normalizeBaseUrl(kind, input, preset).url
        expect(normalizeBaseUrl(kind, once, preset).url).toBe(once)
      }),
      { numRuns: 500 },
    )
  })

  it('keeps a typed scheme', () => {
    fc.assert(
      fc.property(kindArb, presetArb, inputArb, (kind, preset, input) => {
        const typed = /^(https?):\/\//i.exec(input)?.[1]?.toLowerCase()
        if (typed) expect(normalizeBaseUrl(kind, input, preset).url.startsWith(`${typed}:`)).toBe(true)
      }),
      { numRuns: 300 },
    )
  })
})
