import type { ChatParamName, ChatParams, ParamSupport, ProviderConfig, ReasoningEffort } from '../../../src-shared/contract'
import { chooseOpenAiApi } from './openai-api'
import type { ChatRequest } from './types'

/**
 * How each provider dialect takes each chat parameter: the request-body field it is sent as
 * (`yes`), sent but the server may ignore it (`maybe`), or not sent at all (`no`). This is the one
 * committed table: the adapters send exactly these fields (parameters.test.ts checks every
 * dialect × parameter against what each provider's loopback fake receives) and docs/parameters.md
 * is rendered from it (bench/write-parameter-docs.ts).
 */
export const DIALECTS = ['ollama', 'anthropic', 'openai-chat', 'openai-responses', 'gemini', 'huggingface', 'openai-compatible', 'gguf'] as const
export type Dialect = (typeof DIALECTS)[number]

const yes = (field: string, note?: string): ParamSupport => ({ support: 'yes', field, ...(note ? { note } : {}) })
const maybe = (field: string, note?: string): ParamSupport => ({ support: 'maybe', field, ...(note ? { note } : {}) })
const no = (note: string): ParamSupport => ({ support: 'no', field: null, note })

/** Thinking-token budgets for providers that take a budget rather than an effort level. */
export const THINKING_BUDGET: Record<ReasoningEffort, number> = { low: 1024, medium: 8192, high: 24_576 }

export const PARAMETER_TABLE: Record<Dialect, Record<ChatParamName, ParamSupport>> = {
  ollama: {
    temperature: yes('options.temperature'),
    topP: yes('options.top_p'),
    topK: yes('options.top_k'),
    maxTokens: yes('options.num_predict'),
    contextLength: yes('options.num_ctx'),
    seed: yes('options.seed'),
    stop: yes('options.stop'),
    reasoningEffort: yes('think', 'gpt-oss takes low/medium/high; other thinking models switch thinking on'),
  },
  anthropic: {
    temperature: yes('temperature', 'not sent while extended thinking is on'),
    topP: yes('top_p'),
    topK: yes('top_k'),
    maxTokens: yes('max_tokens'),
    contextLength: no('the context window is fixed by the model'),
    seed: no('the Messages API has no seed'),
    stop: yes('stop_sequences'),
    reasoningEffort: yes('output_config.effort'),
  },
  'openai-chat': {
    temperature: yes('temperature'),
    topP: yes('top_p'),
    topK: no('the OpenAI API has no top_k'),
    maxTokens: yes('max_completion_tokens'),
    contextLength: no('the context window is fixed by the model'),
    seed: yes('seed'),
    stop: yes('stop'),
    reasoningEffort: yes('reasoning_effort', 'reasoning models only'),
  },
  'openai-responses': {
    temperature: yes('temperature'),
    topP: yes('top_p'),
    topK: no('the Responses API has no top_k'),
    maxTokens: yes('max_output_tokens'),
    contextLength: no('the context window is fixed by the model'),
    seed: no('the Responses API has no seed'),
    stop: no('the Responses API has no stop sequences'),
    reasoningEffort: yes('reasoning.effort'),
  },
  gemini: {
    temperature: yes('generationConfig.temperature'),
    topP: yes('generationConfig.topP'),
    topK: yes('generationConfig.topK'),
    maxTokens: yes('generationConfig.maxOutputTokens'),
    contextLength: no('the context window is fixed by the model'),
    seed: yes('generationConfig.seed'),
    stop: yes('generationConfig.stopSequences'),
    reasoningEffort: yes('generationConfig.thinkingConfig.thinkingBudget', `low ${THINKING_BUDGET.low}, medium ${THINKING_BUDGET.medium}, high ${THINKING_BUDGET.high} tokens`),
  },
  huggingface: {
    temperature: yes('temperature'),
    topP: yes('top_p'),
    topK: no('the Hugging Face router takes the OpenAI fields only'),
    maxTokens: yes('max_tokens'),
    contextLength: no('the context window is set by the serving provider'),
    seed: maybe('seed', 'passed on to the serving provider, which may ignore it'),
    stop: yes('stop'),
    reasoningEffort: maybe('reasoning_effort', 'passed on to the serving provider, which may ignore it'),
  },
  'openai-compatible': {
    temperature: yes('temperature'),
    topP: maybe('top_p', 'a standard field; the server may ignore it'),
    topK: maybe('top_k', 'llama.cpp, vLLM and LM Studio read it; other servers may ignore it'),
    maxTokens: yes('max_tokens'),
    contextLength: no("set when the server starts (llama.cpp -c, vLLM --max-model-len)"),
    seed: maybe('seed', 'a standard field; the server may ignore it'),
    stop: maybe('stop', 'a standard field; the server may ignore it'),
    reasoningEffort: maybe('reasoning_effort', 'a standard field; the server may ignore it'),
  },
  gguf: {
    temperature: yes('temperature'),
    topP: yes('topP'),
    topK: yes('topK'),
    maxTokens: yes('maxTokens'),
    contextLength: no('the context is sized when the model file is loaded'),
    seed: yes('seed'),
    stop: yes('customStopTriggers'),
    reasoningEffort: no('a GGUF file run in-process has no reasoning switch'),
  },
}

/** The dialect a provider speaks for a model (OpenAI has two APIs). */
export function dialectOf(config: Pick<ProviderConfig, 'kind' | 'api'>, model: string): Dialect {
  if (config.kind === 'openai') return chooseOpenAiApi(config.api, model) === 'responses' ? 'openai-responses' : 'openai-chat'
  return config.kind
}

/** The parameters of a request, as the app names them (only those set). */
export function paramsOf(request: ChatRequest): ChatParams {
  const out: ChatParams = {}
  if (request.temperature !== undefined) out.temperature = request.temperature
  if (request.topP !== undefined) out.topP = request.topP
  if (request.topK !== undefined) out.topK = request.topK
  if (request.maxTokens !== undefined) out.maxTokens = request.maxTokens
  if (request.contextLength !== undefined) out.contextLength = request.contextLength
  if (request.seed !== undefined) out.seed = request.seed
  if (request.stop !== undefined && request.stop.length > 0) out.stop = request.stop
  if (request.reasoningEffort !== undefined) out.reasoningEffort = request.reasoningEffort
  return out
}

/** Whether the adapter for `dialect` sends `name` (the adapters ask this, so the table decides). */
export const sends = (dialect: Dialect, name: ChatParamName): boolean => PARAMETER_TABLE[dialect][name].support !== 'no'

export const PARAM_LABELS: Record<ChatParamName, string> = {
  temperature: 'temperature',
  topP: 'top_p',
  topK: 'top_k',
  maxTokens: 'max output tokens',
  contextLength: 'context length',
  seed: 'seed',
  stop: 'stop sequences',
  reasoningEffort: 'reasoning effort',
}

/**
 * What to tell the user about the parameters they set for this provider: the ones it does not take
 * (not sent) and the ones sent as standard fields that the server may ignore. Never silent.
 */
export function parameterNotices(providerName: string, dialect: Dialect, params: ChatParams): string[] {
  const set = (Object.keys(params) as ChatParamName[]).filter((name) => params[name] !== undefined)
  const dropped = set.filter((name) => PARAMETER_TABLE[dialect][name].support === 'no')
  const maybes = set.filter((name) => PARAMETER_TABLE[dialect][name].support === 'maybe')
  const notices: string[] = []
  if (dropped.length > 0) {
    const why = dropped.map((name) => `${PARAM_LABELS[name]} (${PARAMETER_TABLE[dialect][name].note ?? 'not supported'})`)
    notices.push(`${providerName} does not take ${why.join(', ')}; ${dropped.length === 1 ? 'it was' : 'they were'} not sent.`)
  }
  if (maybes.length > 0) notices.push(`${providerName} was sent ${maybes.map((name) => PARAM_LABELS[name]).join(', ')} as standard fields; the server may ignore ${maybes.length === 1 ? 'it' : 'them'}.`)
  return notices
}

/** docs/parameters.md, generated from the table. */
export function renderParameterDocs(): string {
  const names = Object.keys(PARAM_LABELS) as ChatParamName[]
  const lines = [
    '# Chat parameters by provider',
    '',
    'Generated from `src-main/core/providers/parameters.ts` by `node scripts/run-tool.js bench/write-parameter-docs.ts`; do not edit by hand.',
    '',
    'Each cell is the request field a parameter is sent as. **maybe**: sent, but the server may ignore it (the chat says so). **no**: not sent (the chat says so).',
    '',
  ]
  for (const dialect of DIALECTS) {
    lines.push(`## ${dialect}`, '', '| Parameter | Sent as | Support | Note |', '| --- | --- | --- | --- |')
    for (const name of names) {
      const entry = PARAMETER_TABLE[dialect][name]
      lines.push(`| ${PARAM_LABELS[name]} | ${entry.field ? `\`${entry.field}\`` : '—'} | ${entry.support} | ${entry.note ?? ''} |`)
    }
    lines.push('')
  }
  return lines.join('\n')
}
