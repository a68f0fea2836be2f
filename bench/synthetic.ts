import type { ImportedSession } from '../src-main/core/sessions/import-shared'

/** Deterministic PRNG (mulberry32): the same seed gives the same history on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const topics = [
  { title: 'Rust lifetimes in async code', tag: 'rust', words: ['borrow checker', 'lifetime', 'tokio', 'Pin', 'async fn', 'Send bound'] },
  { title: 'Kubernetes pod keeps restarting', tag: 'devops', words: ['CrashLoopBackOff', 'liveness probe', 'kubectl logs', 'OOMKilled', 'resource limits'] },
  { title: 'Sourdough starter schedule', tag: 'cooking', words: ['levain', 'hydration', 'autolyse', 'bulk fermentation', 'banneton'] },
  { title: 'Refactor a React form with zustand', tag: 'frontend', words: ['useStore', 'selector', 'controlled input', 'validation', 'zod schema'] },
  { title: 'SQLite full-text search tuning', tag: 'databases', words: ['FTS5', 'bm25', 'tokenizer', 'WAL mode', 'VACUUM INTO'] },
  { title: 'Trip plan: Lisbon in spring', tag: 'travel', words: ['Alfama', 'tram 28', 'pastel de nata', 'Sintra', 'day trip'] },
  { title: 'Explain transformers attention', tag: 'ml', words: ['self-attention', 'query key value', 'softmax', 'positional encoding', 'KV cache'] },
  { title: 'Quantise a GGUF model', tag: 'ml', words: ['Q4_K_M', 'llama.cpp', 'perplexity', 'imatrix', 'context length'] },
  { title: 'Write a cover letter', tag: 'writing', words: ['tone', 'achievements', 'hiring manager', 'concise', 'call to action'] },
  { title: 'Debug a flaky Playwright test', tag: 'testing', words: ['waitFor', 'race condition', 'trace viewer', 'locator', 'network idle'] },
  { title: 'Budget spreadsheet formulas', tag: 'finance', words: ['SUMIFS', 'pivot table', 'monthly average', 'savings rate', 'categories'] },
  { title: 'Home lab with Proxmox', tag: 'devops', words: ['ZFS pool', 'LXC container', 'VLAN', 'backup job', 'GPU passthrough'] },
]
const models = [
  { provider: 'ollama', model: 'llama3.2:3b' },
  { provider: 'ollama', model: 'qwen2.5-coder:7b' },
  { provider: 'openai', model: 'gpt-4o-mini' },
  { provider: 'anthropic', model: 'claude-sonnet-4-5' },
  { provider: 'gemini', model: 'gemini-2.5-flash' },
]
const openers = ['How do I', 'Can you explain', 'What is the best way to handle', 'Why does', 'Give me an example of', 'Compare']
const fillers = ['In short,', 'The key idea is that', 'A common pitfall is', 'You can check this with', 'In practice', 'For example,']

export interface SyntheticOptions {
  sessions: number
  /** Average messages per session (varies ±50 %). */
  messagesPerSession: number
  seed?: number
  /** Newest session time; older ones spread over `spreadDays` before it. */
  now?: number
  spreadDays?: number
}

/** Realistic-looking conversations: topics, code blocks, several models, tags, pins, usage. */
export function* syntheticSessions(options: SyntheticOptions): Generator<ImportedSession> {
  const random = prng(options.seed ?? 42)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
  const now = options.now ?? Date.now()
  const spread = (options.spreadDays ?? 120) * 86_400_000
  for (let i = 0; i < options.sessions; i++) {
    const topic = pick(topics)
    const who = pick(models)
    const createdAt = Math.round(now - random() * spread)
    const count = Math.max(2, Math.round(options.messagesPerSession * (0.5 + random())))
    const messages: ImportedSession['messages'] = []
    for (let m = 0; m < count; m++) {
      const user = m % 2 === 0
      const word = pick(topic.words)
      const text = user
        ? `${pick(openers)} ${word} when working on ${topic.title.toLowerCase()}?`
        : `${pick(fillers)} ${word} matters here. ${pick(fillers)} ${pick(topic.words)} interacts with ${pick(topic.words)}.` +
          (random() < 0.2 ? `\n\n\`\`\`\n// ${word}\nconst example = ${Math.floor(random() * 100)}\n\`\`\`` : '')
      messages.push({
        role: user ? 'user' : 'assistant',
        text,
        createdAt: createdAt + m * 45_000,
        ...(user ? {} : { provider: who.provider, model: who.model, usage: { inputTokens: 40 + m * 30, outputTokens: Math.round(text.length / 4) }, cost: who.provider === 'ollama' ? 0 : 0.0004 }),
      })
    }
    yield {
      title: `${topic.title}${i >= topics.length ? ` (${Math.floor(i / topics.length) + 1})` : ''}`,
      tags: [topic.tag, ...(random() < 0.15 ? ['favourite'] : [])],
      createdAt,
      pinned: random() < 0.03,
      archived: random() < 0.05,
      source: null,
      sourceId: null,
      linked: false,
      messages,
    }
  }
}
