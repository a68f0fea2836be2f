/**
 * The span and attribute names we emit. Our own constants, not the `gen_ai.*` ones of
 * @opentelemetry/semantic-conventions (deprecated there while the GenAI conventions move):
 * names follow the current GenAI and MCP semantic conventions; ours carry the `ollama_desk.` prefix.
 */
export const ATTR = {
  genAiOperation: 'gen_ai.operation.name',
  genAiProvider: 'gen_ai.provider.name',
  genAiRequestModel: 'gen_ai.request.model',
  genAiResponseModel: 'gen_ai.response.model',
  genAiInputTokens: 'gen_ai.usage.input_tokens',
  genAiOutputTokens: 'gen_ai.usage.output_tokens',
  genAiFinishReasons: 'gen_ai.response.finish_reasons',
  genAiToolName: 'gen_ai.tool.name',
  genAiToolCallId: 'gen_ai.tool.call.id',
  genAiToolType: 'gen_ai.tool.type',
  mcpMethod: 'mcp.method.name',
  errorType: 'error.type',
  /** Time to the first token of the reply, retries and fallbacks included, as the user waited. */
  ttftMs: 'ollama_desk.ttft_ms',
  providerId: 'ollama_desk.provider.id',
  attemptNumber: 'ollama_desk.attempt.number',
  retryDelayMs: 'ollama_desk.retry.delay_ms',
  toolRounds: 'ollama_desk.tool_rounds',
  tokensEstimated: 'ollama_desk.usage.estimated',
  hookEvent: 'ollama_desk.hook.event',
  hookExitCode: 'ollama_desk.hook.exit_code',
  hookDecision: 'ollama_desk.hook.decision',
  hookTimedOut: 'ollama_desk.hook.timed_out',
  mcpServer: 'ollama_desk.mcp.server',
  toolDecision: 'ollama_desk.tool.decision',
} as const

export const SPAN = {
  /** `chat {model}`, as the GenAI conventions name inference spans. */
  chat: (model: string): string => `chat ${model}`,
  /** The first try at the first provider. */
  attempt: 'ollama_desk.attempt',
  /** Another try at the same provider after a retryable failure. */
  retry: 'ollama_desk.retry',
  /** The first try at a later provider of the chain. */
  fallback: 'ollama_desk.fallback',
  executeTool: (tool: string): string => `execute_tool ${tool}`,
  hook: (event: string): string => `hook ${event}`,
  mcpToolCall: (tool: string): string => `tools/call ${tool}`,
  test: 'ollama_desk.test',
} as const
