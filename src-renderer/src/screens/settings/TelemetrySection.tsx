/** OpenTelemetry tracing: off by default; the OTLP endpoint the user sets. */
export function TelemetrySection() {
  return null
}
