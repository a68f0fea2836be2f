/**
 * Tool-call arguments as an object, for the APIs that want one (Anthropic's tool_use input,
 * Ollama's tool_calls). History from another provider may carry them as a JSON string, which is
 * parsed; text that is not JSON is kept under `input` rather than dropped.
 */
export function argumentsObject(value: unknown): Record<string, unknown> {
  if (typeof value === 'string') {
    try {
      return argumentsObject(JSON.parse(value) as unknown)
    } catch {
      return { input: value }
    }
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}
