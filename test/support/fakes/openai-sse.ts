/**
 * The server-sent events the OpenAI APIs stream, built from a scripted reply: Chat Completions
 * (`data: {chat.completion.chunk}` … `data: [DONE]`) and the Responses API (named `event:`s with
 * typed JSON, no [DONE]). Field names follow the published API reference.
 */
import type { ScriptedReply } from './types'

export interface OpenAiReply extends ScriptedReply {
  /** How the reply ends; `length` and `content_filter` become response.incomplete on the Responses API. */
  finishReason?: 'stop' | 'length' | 'content_filter'
  /** Tool-call arguments sent exactly as given (e.g. broken JSON) instead of toolCall.arguments. */
  rawArguments?: string
  /** An error the server reports inside the stream after the text (Responses: response.failed, or an `error` event). */
  streamError?: { code: string; message: string; as?: 'failed' | 'error' }
}

/** One SSE message; `text` marks the frames that carry reply text (faults count those). */
export interface Frame {
  event?: string
  data: string
  text?: boolean
}

export function encodeFrame(frame: Frame): string {
  return `${frame.event ? `event: ${frame.event}\n` : ''}data: ${frame.data}\n\n`
}

export interface StreamContext {
  model: string
  includeUsage: boolean
  reasoningField: 'reasoning_content' | 'reasoning'
  /** Used when the reply scripts no usage. */
  estimatedInputTokens: number
  serial: number
}

function usageOf(reply: OpenAiReply, context: StreamContext) {
  return reply.usage ?? { inputTokens: context.estimatedInputTokens, outputTokens: Math.ceil(reply.text.join('').length / 4) }
}

function argumentsOf(reply: OpenAiReply): string {
  return reply.rawArguments ?? JSON.stringify(reply.toolCall?.arguments ?? {})
}

/** Splits a string in two, so arguments arrive over more than one delta as real servers send them. */
function halves(text: string): string[] {
  const middle = Math.ceil(text.length / 2)
  return [text.slice(0, middle), text.slice(middle)].filter((part) => part.length > 0)
}

export function chatCompletionFrames(reply: OpenAiReply, context: StreamContext): Frame[] {
  const base = { id: `chatcmpl-fake${context.serial}`, object: 'chat.completion.chunk', created: 1_700_000_000, model: context.model, system_fingerprint: 'fp_fake' }
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...(context.includeUsage ? { usage: null } : {}) })
  const frames: Frame[] = [{ data: chunk({ role: 'assistant', content: '' }) }]
  for (const piece of reply.reasoning ?? []) frames.push({ data: chunk({ content: null, [context.reasoningField]: piece }) })
  for (const piece of reply.text) frames.push({ data: chunk({ content: piece }), text: true })
  if (reply.toolCall) {
    const { id, name } = reply.toolCall
    frames.push({ data: chunk({ tool_calls: [{ index: 0, id, type: 'function', function: { name, arguments: '' } }] }) })
    for (const part of halves(argumentsOf(reply))) frames.push({ data: chunk({ tool_calls: [{ index: 0, function: { arguments: part } }] }) })
  }
  if (reply.streamError) {
    frames.push({ data: JSON.stringify({ error: { message: reply.streamError.message, type: 'server_error', param: null, code: reply.streamError.code } }) })
    return frames
  }
  frames.push({ data: chunk({}, reply.finishReason ?? (reply.toolCall ? 'tool_calls' : 'stop')) })
  if (context.includeUsage) {
    const usage = usageOf(reply, context)
    frames.push({
      data: JSON.stringify({
        ...base,
        choices: [],
        usage: {
          prompt_tokens: usage.inputTokens,
          completion_tokens: usage.outputTokens,
          total_tokens: usage.inputTokens + usage.outputTokens,
          prompt_tokens_details: { cached_tokens: usage.cachedTokens ?? 0, audio_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
        },
      }),
    })
  }
  frames.push({ data: '[DONE]' })
  return frames
}

export function responsesFrames(reply: OpenAiReply, context: StreamContext): Frame[] {
  let sequence = 0
  const frames: Frame[] = []
  const emit = (type: string, body: Record<string, unknown>, text = false) => frames.push({ event: type, data: JSON.stringify({ type, sequence_number: sequence++, ...body }), text })
  const response = (status: string, extra: Record<string, unknown> = {}) => ({
    id: `resp_fake${context.serial}`,
    object: 'response',
    created_at: 1_700_000_000,
    status,
    model: context.model,
    output: [],
    error: null,
    incomplete_details: null,
    usage: null,
    ...extra,
  })
  emit('response.created', { response: response('in_progress') })
  emit('response.in_progress', { response: response('in_progress') })
  let index = 0
  const output: Record<string, unknown>[] = []
  if (reply.reasoning?.length) {
    const item = { id: 'rs_fake1', type: 'reasoning', summary: [] as unknown[] }
    emit('response.output_item.added', { output_index: index, item })
    emit('response.reasoning_summary_part.added', { item_id: item.id, output_index: index, summary_index: 0, part: { type: 'summary_text', text: '' } })
    for (const delta of reply.reasoning) emit('response.reasoning_summary_text.delta', { item_id: item.id, output_index: index, summary_index: 0, delta })
    const text = reply.reasoning.join('')
    emit('response.reasoning_summary_text.done', { item_id: item.id, output_index: index, summary_index: 0, text })
    const done = { ...item, summary: [{ type: 'summary_text', text }] }
    emit('response.output_item.done', { output_index: index++, item: done })
    output.push(done)
  }
  if (reply.text.length > 0) {
    const item = { id: 'msg_fake1', type: 'message', status: 'in_progress', role: 'assistant', content: [] as unknown[] }
    emit('response.output_item.added', { output_index: index, item })
    emit('response.content_part.added', { item_id: item.id, output_index: index, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } })
    for (const delta of reply.text) emit('response.output_text.delta', { item_id: item.id, output_index: index, content_index: 0, delta, logprobs: [] }, true)
    const text = reply.text.join('')
    const part = { type: 'output_text', text, annotations: [] }
    emit('response.output_text.done', { item_id: item.id, output_index: index, content_index: 0, text, logprobs: [] })
    emit('response.content_part.done', { item_id: item.id, output_index: index, content_index: 0, part })
    const done = { ...item, status: 'completed', content: [part] }
    emit('response.output_item.done', { output_index: index++, item: done })
    output.push(done)
  }
  if (reply.toolCall) {
    const args = argumentsOf(reply)
    const item = { id: 'fc_fake1', type: 'function_call', status: 'in_progress', call_id: reply.toolCall.id, name: reply.toolCall.name, arguments: '' }
    emit('response.output_item.added', { output_index: index, item })
    for (const delta of halves(args)) emit('response.function_call_arguments.delta', { item_id: item.id, output_index: index, delta })
    emit('response.function_call_arguments.done', { item_id: item.id, output_index: index, arguments: args })
    const done = { ...item, status: 'completed', arguments: args }
    emit('response.output_item.done', { output_index: index, item: done })
    output.push(done)
  }
  if (reply.streamError?.as === 'error') {
    emit('error', { code: reply.streamError.code, message: reply.streamError.message, param: null })
    return frames
  }
  if (reply.streamError) {
    emit('response.failed', { response: response('failed', { output, error: { code: reply.streamError.code, message: reply.streamError.message } }) })
    return frames
  }
  const used = usageOf(reply, context)
  const usage = {
    input_tokens: used.inputTokens,
    input_tokens_details: { cached_tokens: used.cachedTokens ?? 0 },
    output_tokens: used.outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: used.inputTokens + used.outputTokens,
  }
  if (reply.finishReason === 'length' || reply.finishReason === 'content_filter') {
    const reason = reply.finishReason === 'length' ? 'max_output_tokens' : 'content_filter'
    emit('response.incomplete', { response: response('incomplete', { output, usage, incomplete_details: { reason } }) })
  } else {
    emit('response.completed', { response: response('completed', { output, usage }) })
  }
  return frames
}
