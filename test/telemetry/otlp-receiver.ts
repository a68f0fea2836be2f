/**
 * A loopback OTLP/HTTP trace receiver (127.0.0.1, port 0): decodes the JSON
 * ExportTraceServiceRequest bodies the real exporter sends and keeps the spans, flattened.
 */
import http from 'node:http'
import { listenOnLoopback } from '../support/loopback-server.ts'

export { closedPort } from '../support/loopback-server.ts'

type AnyValue = { stringValue?: string; intValue?: number | string; doubleValue?: number; boolValue?: boolean; arrayValue?: { values?: AnyValue[] } }
interface KeyValue {
  key: string
  value: AnyValue
}
interface OtlpSpan {
  traceId: string
  spanId: string
  parentSpanId?: string
  name: string
  kind: number
  attributes?: KeyValue[]
  events?: { name: string; attributes?: KeyValue[] }[]
  status?: { code?: number; message?: string }
}
interface ExportTraceServiceRequest {
  resourceSpans?: { resource?: { attributes?: KeyValue[] }; scopeSpans?: { scope?: { name?: string }; spans?: OtlpSpan[] }[] }[]
}

export type Value = string | number | boolean | Value[]

export interface ReceivedSpan {
  traceId: string
  spanId: string
  parentSpanId: string | null
  name: string
  kind: number
  attributes: Record<string, Value>
  events: string[]
  /** 2 = error, per the OTLP status codes. */
  statusCode: number
  resource: Record<string, Value>
}

export interface OtlpReceiver {
  url: string
  /** Every POST the receiver got, decoded (including ones it refused). */
  requests: { path: string; headers: http.IncomingHttpHeaders; body: ExportTraceServiceRequest }[]
  spans: ReceivedSpan[]
  /** Answer the next requests with this HTTP status instead of 200. */
  failWith(status: number | null): void
  close(): Promise<void>
}

function decode(value: AnyValue): Value {
  if (value.stringValue !== undefined) return value.stringValue
  if (value.intValue !== undefined) return Number(value.intValue)
  if (value.doubleValue !== undefined) return value.doubleValue
  if (value.boolValue !== undefined) return value.boolValue
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(decode)
  return ''
}

const attributesOf = (list: KeyValue[] | undefined): Record<string, Value> => Object.fromEntries((list ?? []).map((kv) => [kv.key, decode(kv.value)]))

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const requests: OtlpReceiver['requests'] = []
  const spans: ReceivedSpan[] = []
  let failStatus: number | null = null
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = []
    req.on('data', (part: Buffer) => parts.push(part))
    req.on('end', () => {
      const text = Buffer.concat(parts).toString('utf8')
      const body = (text ? JSON.parse(text) : {}) as ExportTraceServiceRequest
      requests.push({ path: req.url ?? '', headers: req.headers, body })
      if (failStatus !== null) {
        res.writeHead(failStatus, { 'content-type': 'application/json' })
        res.end('{}')
        return
      }
      for (const resourceSpans of body.resourceSpans ?? []) {
        const resource = attributesOf(resourceSpans.resource?.attributes)
        for (const scope of resourceSpans.scopeSpans ?? []) {
          for (const span of scope.spans ?? []) {
            spans.push({
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId || null,
              name: span.name,
              kind: span.kind,
              attributes: attributesOf(span.attributes),
              events: (span.events ?? []).map((event) => event.name),
              statusCode: span.status?.code ?? 0,
              resource,
            })
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{}')
    })
  })
  const { port, close } = await listenOnLoopback(server)
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    requests,
    spans,
    failWith(status) {
      failStatus = status
    },
    close,
  }
}
