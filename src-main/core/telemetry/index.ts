export { ATTR, SPAN } from './attributes'
export { errorTypeOf, inSpan, noopSpan, noopTracing, type AttributeValue, type Attributes, type SpanHandle, type SpanKind, type Tracing } from './tracing'
export { OtelTracing, type CollectorTarget, type OtelTracingOptions } from './otel-tracing'
export { CollectorUnreachableError, sendTestSpan, type TestSpanOptions } from './test-span'
