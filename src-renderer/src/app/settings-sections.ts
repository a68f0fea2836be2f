// The sections of Settings and the cards in each, with the words a search should find them by:
// outside screens/ because the command palette opens them directly.

export const settingsSectionIds = ['general', 'chat', 'models', 'voice', 'privacy', 'data', 'advanced'] as const
export type SettingsSectionId = (typeof settingsSectionIds)[number]

export const isSettingsSectionId = (value: string): value is SettingsSectionId => (settingsSectionIds as readonly string[]).includes(value)

export interface SettingsSectionMeta {
  id: SettingsSectionId
  label: string
  /** One line under the section's title. */
  summary: string
}

export const settingsSections: readonly SettingsSectionMeta[] = [
  { id: 'general', label: 'General', summary: 'Theme, colours, updates and this installation.' },
  { id: 'chat', label: 'Chat', summary: 'What new chats start with, and how messages look.' },
  { id: 'models', label: 'Models & Providers', summary: 'The local Ollama, cloud providers and their keys.' },
  { id: 'voice', label: 'Voice', summary: 'Dictation and reading replies aloud.' },
  { id: 'privacy', label: 'Privacy', summary: 'What leaves this computer, and your choices about it.' },
  { id: 'data', label: 'Data', summary: 'Your chat history: where it lives, backups and exports.' },
  { id: 'advanced', label: 'Advanced', summary: 'Diagnostics, tracing, developer tools and the cluster.' },
]

export interface SettingsCardMeta {
  id: string
  section: SettingsSectionId
  title: string
  /** Words a user may search for that the card's text does not show (its text is searched too). */
  terms: readonly string[]
}

export const settingsCards: readonly SettingsCardMeta[] = [
  { id: 'appearance', section: 'general', title: 'Appearance', terms: ['theme', 'light', 'dark', 'system', 'accent colour color'] },
  { id: 'updates', section: 'general', title: 'Updates', terms: ['check for updates', 'channel', 'stable', 'beta', 'release notes', 'upgrade', 'new version'] },
  { id: 'about', section: 'general', title: 'About', terms: ['version', 'platform', 'run setup again', 'onboarding', 'wizard', 'reset settings', 'defaults'] },
  { id: 'chat-defaults', section: 'chat', title: 'New chats', terms: ['default model', 'system prompt', 'title', 'name chats', 'send with enter', 'shortcut', 'compaction', 'context window', 'summary'] },
  { id: 'chat-display', section: 'chat', title: 'Messages', terms: ['font size', 'text size', 'zoom', 'code theme', 'syntax highlighting', 'colours', 'density', 'compact', 'spacing', 'token estimates', 'tokens', 'speed', 'cost'] },
  { id: 'ollama', section: 'models', title: 'Ollama', terms: ['host', 'OLLAMA_HOST', 'start', 'stop', 'install', 'uninstall', 'update', 'auto-start', 'local models', 'server'] },
  { id: 'providers', section: 'models', title: 'Providers and models', terms: ['cloud', 'OpenAI', 'Anthropic', 'API key', 'fallback chain', 'prices', 'pull', 'download models', 'health'] },
  { id: 'voice', section: 'voice', title: 'Dictation and read aloud', terms: ['microphone', 'speech to text', 'speech-to-text', 'transcription', 'whisper', 'push to talk', 'hands-free', 'language', 'text to speech', 'tts', 'read aloud', 'voice', 'speech models'] },
  { id: 'privacy', section: 'privacy', title: 'What leaves this computer', terms: ['privacy', 'sent', 'upload', 'network', 'offline', 'local', 'cloud', 'telemetry'] },
  { id: 'analytics', section: 'privacy', title: 'Usage analytics', terms: ['consent', 'opt out', 'opt in', 'sent events', 'statistics', 'telemetry'] },
  { id: 'data', section: 'data', title: 'Your data', terms: ['data folder', 'location', 'backup', 'back up now', 'restore', 'merge', 'replace', 'export all', 'zip', 'delete all data', 'erase', 'wipe', 'history'] },
  { id: 'diagnostics', section: 'advanced', title: 'Diagnostics', terms: ['doctor', 'health checks', 'troubleshoot', 'problems'] },
  { id: 'tracing', section: 'advanced', title: 'Tracing (OpenTelemetry)', terms: ['otel', 'otlp', 'endpoint', 'spans', 'traces', 'jaeger', 'observability'] },
  { id: 'developer', section: 'advanced', title: 'Developer', terms: ['devtools', 'logs', 'log level', 'cpu profile', 'performance marks', 'copy diagnostics', 'bundle', 'debug'] },
  { id: 'cluster', section: 'advanced', title: 'Cluster', terms: ['machines', 'network', 'pair', 'pairing', 'peers', 'copy models', 'rdma', 'lan'] },
]

export const sectionMeta = (id: SettingsSectionId): SettingsSectionMeta => settingsSections.find((section) => section.id === id) ?? settingsSections[0]!
export const cardMeta = (id: string): SettingsCardMeta | undefined => settingsCards.find((card) => card.id === id)

/** The words of a search, lower case; empty for a blank search. */
export const searchWords = (query: string): string[] => query.toLowerCase().split(/\s+/).filter(Boolean)

/**
 * Whether a card answers a search: every word appears in its section's name, its title, its terms
 * or the text it shows (`text`, read from the screen), in any order. A blank search matches all.
 */
export function cardMatches(card: SettingsCardMeta, words: readonly string[], text = ''): boolean {
  if (words.length === 0) return true
  const haystack = `${sectionMeta(card.section).label} ${card.title} ${card.terms.join(' ')} ${text}`.toLowerCase()
  return words.every((word) => haystack.includes(word))
}

/** Where an address inside Settings points: `#/settings/<section>[/<card>]`. */
export function settingsTargetFromHash(hash: string): { section: SettingsSectionId; card?: string } | undefined {
  const [screen, section, card] = hash.replace(/^#\/?/, '').split('/')
  if (screen !== 'settings' || !section || !isSettingsSectionId(section)) return undefined
  const found = card ? cardMeta(card) : undefined
  return found && found.section === section ? { section, card: found.id } : { section }
}

export const settingsHash = (section: SettingsSectionId, card?: string): string => `#/settings/${section}${card ? `/${card}` : ''}`
