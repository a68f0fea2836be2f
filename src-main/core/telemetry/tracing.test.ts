import { InMemorySpanExporter, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace'
import { describe, expect, it } from 'vitest'
import { TelemetrySettingsSchema, type TelemetrySettings } from '../../../src-shared/contract'
import { AppError, NetworkError } from '../errors'
import { RateLimitedError } from '../providers/errors'
import { ATTR, OtelTracing, SPAN, errorTypeOf, inSpan, noopSpan, noopTracing, type CollectorTarget } from '.'
import { MAX_PENDING_SPANS, type OtelSdk } from './otel-tracing'

const settings = (patch: Partial<TelemetrySettings> = {}): TelemetrySettings => TelemetrySettingsSchema.parse({ enabled: true, endpoint: 'http://127.0.0.1:4318/v1/traces', ...patch })

/** Tracing whose exporters are in memory, one per target it was configured with. */
function memoryTracing(loadSdk?: () => Promise<OtelSdk>) {
  const exporters: { target: CollectorTarget; exporter: InMemorySpanExporter }[] = []
  const exported: ReadableSpan[] = []
  const tracing = new OtelTracing({
    version: '1.2.3',
    processor: 'simple',
    ...(loadSdk ? { loadSdk } : {}),
    exporterFor: (target) => {
      const exporter = new InMemorySpanExporter()
      exporters.push({ target, exporter })
      // Kept outside the exporter: shutting one down (as a swap does) empties it.
      return { export: (spans, done) => (exported.push(...spans), exporter.export(spans, done)), shutdown: () => exporter.shutdown() }
    },
  })
  const spans = (): ReadableSpan[] => exported
  return { tracing, exporters, spans }
}

const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId

/** The SDK module held back until `release()`, and how many times it was asked for. */
function heldSdk() {
  let release!: () => void
  const gate = new Promise<void>((resolve) => (release = resolve))
  let loads = 0
  const loadSdk = async (): Promise<OtelSdk> => {
    loads++
    await gate
    return import('./otel-sdk')
  }
  return { loadSdk, release, loads: () => loads }
}

const epochMs = ([seconds, nanos]: [number, number]): number => seconds * 1000 + nanos / 1e6

describe('the no-op tracing', () => {
  it('hands out one inert span whose children are inert too', () => {
    const span = noopTracing.startSpan('x', { a: 1 })
    expect(span).toBe(noopSpan)
    expect(span.recording).toBe(false)
    expect(span.child('y')).toBe(noopSpan)
    expect(() => {
      span.set({ a: 1 })
      span.event('e')
      span.recordError(new Error('x'))
      span.end()
    }).not.toThrow()
  })
})

describe('errorTypeOf', () => {
  it('names provider error classes, our codes, and passes type names through', () => {
    expect(errorTypeOf(new RateLimitedError('OpenAI'))).toBe('rate-limited')
    expect(errorTypeOf(new NetworkError('down'))).toBe('network')
    expect(errorTypeOf(new AppError('E_BLOCKED', 'no'))).toBe('E_BLOCKED')
    expect(errorTypeOf(new Error('a message with user text'))).toBe('E_INTERNAL')
    expect(errorTypeOf('tool_error')).toBe('tool_error')
  })
})

describe('OtelTracing', () => {
  it('is off until configured on, and off again after', async () => {
    const { tracing, spans } = memoryTracing()
    expect(tracing.startSpan('before')).toBe(noopSpan)
    await tracing.configure(settings())
    tracing.startSpan('during').end()
    await tracing.configure(settings({ enabled: false }))
    expect(tracing.startSpan('after')).toBe(noopSpan)
    expect(spans().map((s) => s.name)).toEqual(['during'])
    expect(tracing.status()).toMatchObject({ enabled: false, exported: 1, failed: 0, lastError: null })
  })

  it('builds the tree through explicit parents, with attributes, events and error classes', async () => {
    const { tracing, spans } = memoryTracing()
    await tracing.configure(settings({ serviceName: 'my-desk' }))
    const root = tracing.startSpan(SPAN.chat('m'), { [ATTR.genAiRequestModel]: 'm', [ATTR.genAiProvider]: undefined, [ATTR.ttftMs]: null }, 'client')
    const child = root.child(SPAN.retry, { [ATTR.attemptNumber]: 2 })
    child.recordError(new RateLimitedError('OpenAI'))
    child.end()
    child.end() // a second end is ignored
    root.event('ollama_desk.skipped', { [ATTR.providerId]: 'p' })
    root.set({ [ATTR.genAiFinishReasons]: ['stop'] })
    root.end()
    const [retry, chat] = spans()
    expect(chat!.name).toBe('chat m')
    expect(chat!.kind).toBe(2) // CLIENT in the api's SpanKind
    expect(chat!.attributes).toEqual({ 'gen_ai.request.model': 'm', 'gen_ai.response.finish_reasons': ['stop'] })
    expect(chat!.events.map((e) => e.name)).toEqual(['ollama_desk.skipped'])
    expect(chat!.resource.attributes).toMatchObject({ 'service.name': 'my-desk', 'service.version': '1.2.3' })
    expect(parentOf(chat!)).toBeUndefined()
    expect(parentOf(retry!)).toBe(chat!.spanContext().spanId)
    expect(retry!.spanContext().traceId).toBe(chat!.spanContext().traceId)
    expect(retry!.attributes).toMatchObject({ 'ollama_desk.attempt.number': 2, 'error.type': 'rate-limited' })
    expect(retry!.status).toEqual({ code: 2, message: 'rate-limited' })
  })

  it('keeps its exporter while the settings stay, and swaps it live when the endpoint changes', async () => {
    const { tracing, exporters } = memoryTracing()
    await tracing.configure(settings())
    await tracing.configure(settings())
    expect(exporters).toHaveLength(1)
    tracing.startSpan('to-first').end()
    await tracing.configure(settings({ endpoint: 'http://127.0.0.1:9999/v1/traces', headers: { 'x-key': 'v' } }))
    tracing.startSpan('to-second').end()
    expect(exporters.map((e) => e.target)).toEqual([
      { endpoint: 'http://127.0.0.1:4318/v1/traces', headers: {}, serviceName: 'ollama-desk' },
      { endpoint: 'http://127.0.0.1:9999/v1/traces', headers: { 'x-key': 'v' }, serviceName: 'ollama-desk' },
    ])
    expect(tracing.status().endpoint).toBe('http://127.0.0.1:9999/v1/traces')
    expect(exporters[0]!.exporter.getFinishedSpans()).toEqual([]) // shut down when it was replaced
    expect(exporters[1]!.exporter.getFinishedSpans().map((s) => s.name)).toEqual(['to-second'])
    await tracing.close()
    expect(tracing.startSpan('closed')).toBe(noopSpan)
  })

  it('counts spans the collector refused and keeps the reason', async () => {
    const refusing: SpanExporter = {
      export: (_spans, done) => done({ code: 1, error: new Error('Bad Request') }),
      shutdown: async () => undefined,
    }
    const tracing = new OtelTracing({ version: '1', processor: 'simple', exporterFor: () => refusing })
    await tracing.configure(settings())
    tracing.startSpan('a').end()
    tracing.startSpan('b').end()
    await tracing.flush()
    expect(tracing.status()).toMatchObject({ enabled: true, exported: 0, failed: 2, lastError: 'Bad Request' })
    await tracing.close()
  })

  it('batches by default and sends what is pending on close', async () => {
    const exporter = new InMemorySpanExporter()
    const seen: string[] = []
    const tracing = new OtelTracing({
      version: '1',
      exporterFor: () => ({ export: (spans, done) => (seen.push(...spans.map((s) => s.name)), exporter.export(spans, done)), shutdown: async () => undefined }),
    })
    await tracing.configure(settings())
    tracing.startSpan('pending').end()
    expect(seen).toEqual([])
    await tracing.close()
    expect(seen).toEqual(['pending'])
  })
})

describe('OtelTracing loads the SDK lazily', () => {
  it('never loads the OpenTelemetry SDK while tracing is off', async () => {
    const sdk = heldSdk()
    const { tracing } = memoryTracing(sdk.loadSdk)
    await tracing.configure(settings({ enabled: false }))
    tracing.startSpan('off').end()
    await tracing.flush()
    await tracing.close()
    expect(sdk.loads()).toBe(0)
  })

  it('keeps the spans started while the SDK loads, with their own times, tree, events and errors', async () => {
    const sdk = heldSdk()
    const { tracing, spans } = memoryTracing(sdk.loadSdk)
    const configured = tracing.configure(settings())
    const root = tracing.startSpan(SPAN.chat('m'), { [ATTR.genAiRequestModel]: 'm' }, 'client')
    expect(root.recording).toBe(true)
    const child = root.child(SPAN.retry, { [ATTR.attemptNumber]: 1 })
    child.recordError(new RateLimitedError('OpenAI'))
    child.end()
    root.event('ollama_desk.skipped', { [ATTR.providerId]: 'p' })
    root.set({ [ATTR.genAiFinishReasons]: ['stop'] })
    const beforeLoad = performance.timeOrigin + performance.now()
    sdk.release()
    await configured
    expect(sdk.loads()).toBe(1)
    // Still open when the SDK arrived: it carries on as a real span.
    root.child('after-load').end()
    root.end()
    const byName = Object.fromEntries(spans().map((s) => [s.name, s]))
    expect(Object.keys(byName).sort()).toEqual(['after-load', 'chat m', SPAN.retry].sort())
    const chat = byName['chat m']!
    const retry = byName[SPAN.retry]!
    expect(chat.kind).toBe(2)
    expect(chat.attributes).toEqual({ 'gen_ai.request.model': 'm', 'gen_ai.response.finish_reasons': ['stop'] })
    expect(chat.events.map((e) => e.name)).toEqual(['ollama_desk.skipped'])
    expect(parentOf(retry)).toBe(chat.spanContext().spanId)
    expect(parentOf(byName['after-load']!)).toBe(chat.spanContext().spanId)
    expect(retry.attributes).toMatchObject({ 'ollama_desk.attempt.number': 1, 'error.type': 'rate-limited' })
    expect(retry.status).toEqual({ code: 2, message: 'rate-limited' })
    // Times are when the calls happened, not when the SDK replayed them.
    expect(epochMs(chat.startTime)).toBeLessThanOrEqual(beforeLoad)
    expect(epochMs(retry.startTime)).toBeGreaterThanOrEqual(epochMs(chat.startTime))
    expect(epochMs(retry.endTime)).toBeLessThanOrEqual(beforeLoad)
    expect(epochMs(chat.events[0]!.time)).toBeLessThanOrEqual(beforeLoad)
    expect(epochMs(chat.endTime)).toBeGreaterThan(beforeLoad)
  })

  it('sends spans held for a configuration that was replaced before the SDK arrived to that configuration', async () => {
    const sdk = heldSdk()
    const { tracing, exporters, spans } = memoryTracing(sdk.loadSdk)
    const first = tracing.configure(settings())
    tracing.startSpan('held').end()
    const off = tracing.configure(settings({ enabled: false }))
    expect(tracing.startSpan('while-off')).toBe(noopSpan)
    sdk.release()
    await Promise.all([first, off])
    expect(spans().map((s) => s.name)).toEqual(['held'])
    expect(exporters.map((e) => e.target.endpoint)).toEqual(['http://127.0.0.1:4318/v1/traces'])
    expect(tracing.status()).toMatchObject({ enabled: false, exported: 1 })
  })

  it('holds a bounded number of spans while loading', async () => {
    const sdk = heldSdk()
    const { tracing, spans } = memoryTracing(sdk.loadSdk)
    const configured = tracing.configure(settings())
    for (let i = 0; i < MAX_PENDING_SPANS; i++) tracing.startSpan('held').end()
    expect(tracing.startSpan('one too many')).toBe(noopSpan)
    sdk.release()
    await configured
    expect(spans()).toHaveLength(MAX_PENDING_SPANS)
    tracing.startSpan('after').end()
    expect(spans()).toHaveLength(MAX_PENDING_SPANS + 1)
  })

  it('says so in the status when the SDK cannot load, records nothing, and tries again on the next configuration', async () => {
    let attempts = 0
    const { tracing, spans } = memoryTracing(async () => {
      attempts++
      if (attempts === 1) throw new Error('Cannot find package @opentelemetry/api')
      return import('./otel-sdk')
    })
    const configured = tracing.configure(settings())
    const lost = tracing.startSpan('lost')
    await configured
    lost.end()
    expect(tracing.startSpan('after')).toBe(noopSpan)
    expect(tracing.status()).toMatchObject({ enabled: true, lastError: 'the OpenTelemetry library did not load: Cannot find package @opentelemetry/api' })
    await tracing.configure(settings({ endpoint: 'http://127.0.0.1:4319/v1/traces' }))
    tracing.startSpan('works').end()
    expect(spans().map((s) => s.name)).toEqual(['works'])
    expect(attempts).toBe(2)
  })
})

describe('inSpan', () => {
  it('ends the span and records a throw, under the parent when there is one', async () => {
    const { tracing, spans } = memoryTracing()
    await tracing.configure(settings())
    const parent = tracing.startSpan('parent')
    await expect(inSpan(parent, tracing, 'fails', { k: 'v' }, async () => Promise.reject(new NetworkError('down')))).rejects.toThrow('down')
    expect(await inSpan(undefined, tracing, 'root', {}, async () => 42, 'client')).toBe(42)
    expect(await inSpan(undefined, undefined, 'nowhere', {}, async (span) => span.recording)).toBe(false)
    parent.end()
    const byName = Object.fromEntries(spans().map((s) => [s.name, s]))
    expect(byName.fails!.attributes).toMatchObject({ k: 'v', 'error.type': 'network' })
    expect(parentOf(byName.fails!)).toBe(byName.parent!.spanContext().spanId)
    expect(parentOf(byName.root!)).toBeUndefined()
  })
})
