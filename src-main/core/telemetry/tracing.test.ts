import { InMemorySpanExporter, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace'
import { describe, expect, it } from 'vitest'
import { TelemetrySettingsSchema, type TelemetrySettings } from '../../../src-shared/contract'
import { AppError, NetworkError } from '../errors'
import { RateLimitedError } from '../providers/errors'
import { ATTR, OtelTracing, SPAN, errorTypeOf, inSpan, noopSpan, noopTracing, type CollectorTarget } from '.'

const settings = (patch: Partial<TelemetrySettings> = {}): TelemetrySettings => TelemetrySettingsSchema.parse({ enabled: true, endpoint: 'http://127.0.0.1:4318/v1/traces', ...patch })

/** Tracing whose exporters are in memory, one per target it was configured with. */
function memoryTracing() {
  const exporters: { target: CollectorTarget; exporter: InMemorySpanExporter }[] = []
  const exported: ReadableSpan[] = []
  const tracing = new OtelTracing({
    version: '1.2.3',
    processor: 'simple',
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
