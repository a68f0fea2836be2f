import type {
  Attempt,
  BudgetStatus,
  ChatEvent,
  ChatSendInput,
  ErrorShape,
  HealthPoint,
  ModelInfo,
  PresetInfo,
  PriceEntry,
  ProviderHealth,
  ProviderView,
  Result,
  Routing,
  SessionMessage,
  StreamHandle,
} from '../../src-shared/contract'
import { RoutingSchema, routes } from '../../src-shared/contract'
import { emptyMessage } from '../src/lib/empty-message'

type SendResult = { sessionId: string; message: SessionMessage; attempts: Attempt[] }

export interface FakeProvidersOptions {
  providers?: ProviderView[]
  models?: ModelInfo[]
  health?: ProviderHealth[]
  history?: HealthPoint[]
  routing?: Routing
  budget?: BudgetStatus
  pricing?: { defaultsDate: string; defaults: PriceEntry[]; overrides: PriceEntry[] }
  /** What providers.test answers, per provider id. */
  tests?: Record<string, { ok: boolean; latencyMs: number | null; models: number; understoodUrl: string; error?: ErrorShape }>
}

const ok = <T>(value: T): Result<T> => ({ ok: true, value })
const invalid = (path: string, message: string): Result<never> => ({
  ok: false,
  error: { code: 'E_VALIDATION', message: `${path}: ${message}`, retryable: false, issues: [{ path, message }] },
})

export const presets: PresetInfo[] = [
  { kind: 'ollama', name: 'Ollama', baseUrl: 'http://127.0.0.1:11434', needsKey: false },
  { kind: 'openai', name: 'OpenAI', baseUrl: 'https://api.openai.com/v1', needsKey: true },
  { kind: 'anthropic', name: 'Anthropic', baseUrl: 'https://api.anthropic.com', needsKey: true },
  { kind: 'gemini', name: 'Google Gemini', baseUrl: 'https://generativelanguage.googleapis.com', needsKey: true },
  { kind: 'huggingface', name: 'Hugging Face', baseUrl: 'https://router.huggingface.co/v1', needsKey: true },
  { kind: 'openai-compatible', preset: 'openrouter', name: 'OpenRouter', baseUrl: 'https://openrouter.ai/api/v1', needsKey: true },
  { kind: 'openai-compatible', preset: 'llamacpp-rpc', name: 'llama.cpp RPC cluster', baseUrl: 'http://127.0.0.1:8080/v1', needsKey: false, note: 'On each worker run `rpc-server -H 0.0.0.0 -p 50052`.' },
  { kind: 'gguf', name: 'GGUF file', baseUrl: '', needsKey: false },
]

export const providerView = (id: string, kind: ProviderView['config']['kind'], extra: Partial<ProviderView['config']> = {}, key: ProviderView['key'] = null): ProviderView => ({
  config: { id, kind, name: id, enabled: true, proxy: { mode: 'auto' }, timeoutMs: 120_000, ...extra },
  key,
})

export const modelInfo = (providerId: string, id: string, extra: Partial<ModelInfo> & { caps?: Partial<ModelInfo['capabilities']> } = {}): ModelInfo => {
  const { caps, ...rest } = extra
  return {
    providerId,
    id,
    name: id,
    capabilities: { tools: false, vision: false, reasoning: false, contextWindow: null, ...caps },
    price: { inputPerMTok: 0, outputPerMTok: 0 },
    ...rest,
  }
}

export const healthOf = (providerId: string, extra: Partial<ProviderHealth> = {}): ProviderHealth => ({
  providerId,
  name: providerId,
  kind: 'ollama',
  status: 'up',
  lastProbeAt: 1_700_000_000_000,
  probeLatencyMs: 12,
  lastError: null,
  breakers: [],
  traffic: { requests: 4, errorRate: 0, ttftP50Ms: 300, ttftP95Ms: 900, latencyP50Ms: 1200, latencyP95Ms: 3000, tokensPerSec: 42 },
  hosts: [],
  spend: { todayUsd: 0, monthUsd: 0 },
  ...extra,
})

export const defaultRouting = (): Routing => ({
  chain: [],
  fallbackOn: ['rate-limited', 'network', 'timeout', 'server'],
  localLastResort: true,
  policy: 'manual',
  retry: { maxAttempts: 2, baseDelayMs: 500, maxDelayMs: 8000 },
  breaker: { failureThreshold: 3, cooldownMs: 60_000 },
  budget: { dailyUsd: null, monthlyUsd: null, warnAt: 0.8 },
})

/** A stored message as the core would return it in a chat.send result. */
export const storedReply = (sessionId: string, id: string, extra: Partial<SessionMessage> = {}): SessionMessage => ({
  ...emptyMessage(sessionId, 1_700_000_000_000),
  id,
  parentId: null,
  role: 'assistant',
  content: [{ type: 'text', text: extra.text ?? '' }],
  text: '',
  ...extra,
})

interface OpenChat {
  input: ChatSendInput
  onEvent(event: ChatEvent): void
  settle(result: Result<SendResult>): void
  cancelled: boolean
}

/**
 * The providers / routing / pricing / budget / health routes in memory, and the chat.send stream
 * driven by the test: `push(event)`, then `finish(result)` or `fail(error)`. Cancel ends with
 * E_CANCELLED and is recorded in `cancels`. Each driver throws until the screen has opened a
 * stream, so tests `await waitFor(() => fake.providers.push(…))`.
 */
export function fakeProviders(options: FakeProvidersOptions, emit: (name: 'health.changed' | 'providers.changed', payload: unknown) => void) {
  let providers = options.providers ?? []
  let routing = options.routing ?? defaultRouting()
  let overrides = options.pricing?.overrides ?? []
  let health = options.health ?? []
  const chats: OpenChat[] = []
  let cancels = 0
  const current = (): OpenChat => {
    const chat = chats.at(-1)
    if (!chat || chat.cancelled) throw new Error('no chat.send stream is open yet')
    return chat
  }

  const call = (route: string, input: unknown): Result<unknown> => {
    const body = (input ?? {}) as Record<string, unknown>
    switch (route) {
      case 'providers.list':
        return ok({ providers, presets })
      case 'providers.save': {
        // The whole input as the contract reads it: the config's defaults, and the key trimmed and checked.
        const parsed = routes['providers.save'].input.safeParse(input)
        if (!parsed.success) return invalid(parsed.error.issues[0]!.path.join('.'), parsed.error.issues[0]!.message)
        const { config, key: typed } = parsed.data
        const key = typed !== undefined ? { set: true, last4: typed.slice(-4) } : null
        const previous = providers.find((p) => p.config.id === config.id)
        const needsKey = presets.find((p) => p.kind === config.kind && p.preset === config.preset)?.needsKey ?? false
        const view: ProviderView = { config, key: key ?? previous?.key ?? (needsKey ? { set: false } : null) }
        providers = previous ? providers.map((p) => (p.config.id === view.config.id ? view : p)) : [...providers, view]
        emit('providers.changed', {})
        return ok({ provider: view })
      }
      case 'providers.remove': {
        const before = providers.length
        providers = providers.filter((p) => p.config.id !== body.id)
        emit('providers.changed', {})
        return ok({ removed: providers.length < before })
      }
      case 'providers.setKey': {
        const key = body.key === null ? { set: false } : { set: true, last4: String(body.key).slice(-4) }
        providers = providers.map((p) => (p.config.id === body.id ? { ...p, key } : p))
        return ok(providers.find((p) => p.config.id === body.id))
      }
      case 'providers.test': {
        const answer = options.tests?.[String(body.id)]
        return ok(answer ?? { ok: true, latencyMs: 5, models: 1, understoodUrl: 'http://127.0.0.1:11434' })
      }
      case 'providers.normalizeUrl': {
        const url = String(body.url).replace(/\/+$/, '')
        if (body.kind === 'ollama' && url.endsWith('/v1')) return ok({ url: url.slice(0, -3), note: 'Removed /v1: Ollama’s native API lives at the host.' })
        return ok({ url, note: '' })
      }
      case 'providers.models': {
        const enabled = new Set(providers.filter((p) => p.config.enabled).map((p) => p.config.id))
        return ok({ models: (options.models ?? []).filter((m) => enabled.has(m.providerId)), errors: [] })
      }
      case 'routing.get':
        return ok(routing)
      case 'routing.update': {
        const parsed = RoutingSchema.safeParse(input)
        if (!parsed.success) {
          const issue = parsed.error.issues[0]!
          return invalid(issue.path.join('.'), issue.message)
        }
        routing = parsed.data
        return ok(routing)
      }
      case 'pricing.get':
        return ok({ defaultsDate: options.pricing?.defaultsDate ?? '2025-06-01', defaults: options.pricing?.defaults ?? [], overrides })
      case 'pricing.update':
        overrides = body.overrides as PriceEntry[]
        return ok({ overrides })
      case 'budget.status':
        return ok(options.budget ?? { todayUsd: 0, monthUsd: 0, dailyUsd: routing.budget.dailyUsd, monthlyUsd: routing.budget.monthlyUsd, state: 'ok' })
      case 'health.snapshot':
        return ok({ providers: health, at: 1_700_000_000_000 })
      case 'health.history':
        return ok({ points: options.history ?? [] })
      default:
        return { ok: false, error: { code: 'E_UNKNOWN_ROUTE', message: `no ${route}`, retryable: false } }
    }
  }

  return {
    isProviderRoute: (route: string) => /^(providers|routing|pricing|budget|health)\./.test(route),
    call,
    stream(input: ChatSendInput, onEvent: (event: ChatEvent) => void): StreamHandle<SendResult> {
      let settle: (result: Result<SendResult>) => void = () => undefined
      const done = new Promise<Result<SendResult>>((resolve) => (settle = resolve))
      const chat: OpenChat = { input, onEvent, settle, cancelled: false }
      chats.push(chat)
      return {
        id: chats.length,
        cancel: () => {
          if (chat.cancelled) return
          chat.cancelled = true
          cancels++
          settle({ ok: false, error: { code: 'E_CANCELLED', message: 'The reply was stopped.', retryable: false } })
        },
        done,
      }
    },
    /** Inputs of every chat.send opened so far. */
    sent: () => chats.map((chat) => chat.input),
    cancels: () => cancels,
    push(...events: ChatEvent[]) {
      const chat = current()
      for (const event of events) chat.onEvent(event)
    },
    finish(result: SendResult) {
      const chat = current()
      chat.cancelled = true
      chat.settle(ok(result))
    },
    fail(error: ErrorShape) {
      const chat = current()
      chat.cancelled = true
      chat.settle({ ok: false, error })
    },
    setHealth(next: ProviderHealth[]) {
      health = next
      emit('health.changed', { providers: next, at: Date.now() })
    },
    providers: () => providers,
    routing: () => routing,
    overrides: () => overrides,
  }
}
