/** A typed `/command args`, or null when the text is a message (a leading `//` sends a literal slash). */
export function parseSlash(text: string): { name: string; args: string } | null {
  if (!text.startsWith('/') || text.startsWith('//')) return null
  const match = /^\/(\S+)\s*([\s\S]*)$/.exec(text)
  return match ? { name: match[1]!.toLowerCase(), args: match[2]!.trim() } : null
}

/** What the user typed as a message: `//path` sends `/path`. */
export const messageText = (text: string): string => (text.startsWith('//') ? text.slice(1) : text)

export interface SlashSpec {
  name: string
  aliases?: readonly string[]
  usage: string
  summary: string
}

/**
 * Every slash command, in the order /help lists them. Names follow the original ollama-cli where it
 * had one; those whose feature is not in this version say so when typed, with what to use instead.
 */
export const slashSpecs: readonly SlashSpec[] = [
  { name: 'help', aliases: ['?'], usage: '/help', summary: 'List the commands and keys' },
  { name: 'model', usage: '/model [provider:model|auto]', summary: 'Show the models, or switch to one' },
  { name: 'provider', usage: '/provider', summary: 'List the providers and whether they answer' },
  { name: 'new', usage: '/new', summary: 'Start a new chat (this one stays in the history)' },
  { name: 'clear', usage: '/clear', summary: 'Clear the screen and start a new chat' },
  { name: 'history', usage: '/history [query]', summary: 'Recent chats, or the chats matching a search' },
  { name: 'load', usage: '/load <number|id>', summary: 'Continue a chat from /history' },
  { name: 'save', usage: '/save [title]', summary: 'Chats are saved as you go; this names the chat' },
  { name: 'compact', usage: '/compact', summary: 'Summarise the chat so far to free context' },
  { name: 'tools', usage: '/tools', summary: 'The tools of the connected MCP servers' },
  { name: 'mcp', usage: '/mcp', summary: 'The MCP servers and their state' },
  { name: 'status', usage: '/status', summary: 'Model, chat, tokens, cost and workspace' },
  { name: 'quit', aliases: ['exit', 'q'], usage: '/quit', summary: 'Leave (Ctrl+D on an empty prompt does too)' },
]

export function findSlash(name: string): SlashSpec | undefined {
  return slashSpecs.find((spec) => spec.name === name || spec.aliases?.includes(name))
}

/** Slash commands whose names complete `typed` (`/mo` → /model). */
export const completeSlash = (typed: string): SlashSpec[] => (typed.startsWith('/') && !typed.includes(' ') ? slashSpecs.filter((spec) => `/${spec.name}`.startsWith(typed.toLowerCase())) : [])

export const KEYS_HELP = [
  'Enter sends · Alt+Enter, Ctrl+J or a line ending in \\ adds a line · Up/Down: history',
  'Esc or Ctrl+C stops a reply · Ctrl+C clears the prompt, twice leaves · Ctrl+D leaves',
]
