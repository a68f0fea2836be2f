import type OpenAI from 'openai'
import type { FunctionTool, ResponseCreateParamsStreaming, ResponseInputItem, ResponseStreamEvent } from 'openai/resources/responses/responses'
import { ValidationError } from '../errors'
import { ContentFilteredError, NetworkError } from './errors'
import { mapHttpFailure, mapTransportError } from './map-error'
import { dataUrl, mapOpenAiError, parseToolArguments } from './openai'
import type { ChatChunk, ChatRequest, FinishReason, ProviderMessage, ProviderUsage } from './types'

export { chooseOpenAiApi } from './openai-api'

function inputOf(message: ProviderMessage, index: number): ResponseInputItem[] {
  switch (message.role) {
    case 'system':
      return []
    case 'user':
      return [
        {
          role: 'user',
          content: [
            ...(message.content || !message.images?.length ? [{ type: 'input_text' as const, text: message.content }] : []),
            ...(message.images ?? []).map((image) => ({ type: 'input_image' as const, image_url: dataUrl(image), detail: 'auto' as const })),
          ],
        },
      ]
    case 'assistant':
      return [
        ...(message.content ? [{ role: 'assistant' as const, content: message.content }] : []),
        ...(message.toolCalls ?? []).map((call, n) => ({
          type: 'function_call' as const,
          call_id: call.id ?? `call_${index}_${n}`,
          name: call.name,
          arguments: JSON.stringify(call.arguments ?? {}),
        })),
      ]
    case 'tool':
      if (!message.toolCallId) throw new ValidationError(`A tool result for ${message.toolName ?? 'a tool'} has no call id.`, [], 'Tool results must answer a tool call by its id.')
      return [{ type: 'function_call_output', call_id: message.toolCallId, output: message.content }]
  }
}

export function responsesParams(request: ChatRequest): ResponseCreateParamsStreaming {
  const instructions = request.messages
    .filter((message) => message.role === 'system')
    .map((message) => message.content)
    .join('\n\n')
  const tools: FunctionTool[] | undefined = request.tools?.map((tool) => ({ type: 'function', name: tool.name, description: tool.description, parameters: tool.parameters, strict: false }))
  return {
    model: request.model,
    input: request.messages.flatMap(inputOf),
    stream: true,
    // Stateless: the app keeps the conversation; nothing needs to be stored at the provider.
    store: false,
    ...(instructions ? { instructions } : {}),
    ...(tools?.length ? { tools } : {}),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    ...(request.maxTokens === undefined ? {} : { max_output_tokens: request.maxTokens }),
    ...(request.topP === undefined ? {} : { top_p: request.topP }),
    ...(request.reasoning || request.reasoningEffort ? { reasoning: { ...(request.reasoning ? { summary: 'auto' as const } : {}), ...(request.reasoningEffort ? { effort: request.reasoningEffort } : {}) } } : {}),
  }
}

interface PendingCall {
  callId?: string
  name: string
  args?: string
  emitted: boolean
}

/** Streams one Responses API reply as ChatChunks; failed responses and error events become AppErrors. */
export async function* streamResponses(client: OpenAI, name: string, request: ChatRequest, signal: AbortSignal): AsyncGenerator<ChatChunk> {
  const params = responsesParams(request)
  const calls = new Map<string, PendingCall>()
  let usage: ProviderUsage | undefined
  let finish: FinishReason | null = null
  const callChunk = (itemId: string, call: PendingCall): ChatChunk => {
    call.emitted = true
    return { type: 'tool_call', call: { ...(call.callId ? { id: call.callId } : {}), name: call.name, arguments: parseToolArguments(name, call.name || itemId, call.args ?? '') } }
  }
  try {
    signal.throwIfAborted()
    const stream = await client.responses.create(params, { signal })
    for await (const event of stream as AsyncIterable<ResponseStreamEvent>) {
      switch (event.type) {
        case 'response.output_text.delta':
          if (event.delta) yield { type: 'text', text: event.delta }
          break
        case 'response.reasoning_summary_text.delta':
        case 'response.reasoning_text.delta':
          if (event.delta) yield { type: 'reasoning', text: event.delta }
          break
        case 'response.output_item.added':
          if (event.item.type === 'function_call') calls.set(event.item.id ?? event.item.call_id, { callId: event.item.call_id, name: event.item.name, emitted: false })
          break
        case 'response.function_call_arguments.done': {
          const call = calls.get(event.item_id) ?? { name: '', emitted: false }
          call.args = event.arguments
          calls.set(event.item_id, call)
          break
        }
        case 'response.output_item.done':
          if (event.item.type === 'function_call') {
            const key = event.item.id ?? event.item.call_id
            const call: PendingCall = { callId: event.item.call_id, name: event.item.name, args: event.item.arguments, emitted: calls.get(key)?.emitted ?? false }
            calls.set(key, call)
            if (!call.emitted) yield callChunk(key, call)
          }
          break
        case 'response.completed':
        case 'response.incomplete': {
          const used = event.response.usage
          if (used) {
            const cached = used.input_tokens_details?.cached_tokens
            usage = { inputTokens: used.input_tokens, outputTokens: used.output_tokens, ...(cached ? { cachedTokens: cached } : {}) }
          }
          const reason = event.response.incomplete_details?.reason
          if (reason === 'content_filter') throw new ContentFilteredError(name)
          finish = event.type === 'response.incomplete' ? (reason === 'max_output_tokens' ? 'length' : 'other') : null
          if (finish === null) finish = [...calls.values()].length > 0 ? 'tool_calls' : 'stop'
          break
        }
        case 'response.failed': {
          const failure = event.response.error
          const code = failure?.code ?? 'server_error'
          throw mapHttpFailure(name, request.model, { status: statusOfFailure(code), message: failure?.message, type: code })
        }
        default:
          break
      }
    }
  } catch (error) {
    throw mapOpenAiError(name, request.model, error, signal)
  }
  if (signal.aborted) throw mapTransportError(name, signal.reason, signal)
  if (finish === null) throw new NetworkError(`${name} closed the stream before the reply ended.`, { hint: 'Try again; if it repeats, check the server’s log.' })
  // Arguments that finished without their item finishing still make a call.
  for (const [key, call] of calls) if (!call.emitted && call.args !== undefined) yield callChunk(key, call)
  if (usage) yield { type: 'usage', usage }
  yield { type: 'done', finishReason: finish }
}

/** response.failed carries an error code, no HTTP status; this is the status the code stands for. */
function statusOfFailure(code: string): number {
  if (/rate_limit/i.test(code)) return 429
  if (/quota|billing/i.test(code)) return 402
  if (/invalid_prompt|content|safety|policy/i.test(code)) return 400
  if (/context_length|too_long/i.test(code)) return 413
  if (/not_found/i.test(code)) return 404
  return 500
}
