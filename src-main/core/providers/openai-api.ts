/** Models that speak only (or best) the Responses API; everything else goes through Chat Completions. */
const RESPONSES_ONLY = /^(o\d|codex|gpt-5.*codex|computer-use)/i

/** Which API a request goes through: as configured, or for `auto` by the model's name. */
export function chooseOpenAiApi(api: 'auto' | 'chat' | 'responses' | undefined, model: string): 'chat' | 'responses' {
  if (api === 'chat' || api === 'responses') return api
  return RESPONSES_ONLY.test(model) ? 'responses' : 'chat'
}
