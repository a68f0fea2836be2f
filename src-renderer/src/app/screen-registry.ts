// Screen ids and their sidebar entries: outside screens/ because the store, lib and components need them.
export const screenIds = ['chat', 'sessions', 'models', 'providers', 'agents', 'tools', 'cluster', 'settings'] as const
export type ScreenId = (typeof screenIds)[number]

export const isScreenId = (value: string): value is ScreenId => (screenIds as readonly string[]).includes(value)

export interface ScreenMeta {
  id: ScreenId
  label: string
  /** One line for the command palette and the page header. */
  summary: string
  /** SVG path data, 24×24 viewBox, stroked. */
  icon: string
  /** Where the sidebar lists it: everyday screens first, then the Advanced group, Settings last. */
  group: 'everyday' | 'advanced' | 'app'
}

export const screens: readonly ScreenMeta[] = [
  { id: 'chat', label: 'Chat', summary: 'Talk to local and cloud models', icon: 'M4 5h16v10H8l-4 4z', group: 'everyday' },
  { id: 'sessions', label: 'Sessions', summary: 'Browse and search every conversation', icon: 'M4 6h16M4 12h16M4 18h10', group: 'everyday' },
  { id: 'models', label: 'Models', summary: 'Ollama status, pull and manage local models', icon: 'M12 3l8 4.5v9L12 21l-8-4.5v-9zM12 12l8-4.5M12 12v9M12 12L4 7.5', group: 'everyday' },
  { id: 'providers', label: 'Providers & Health', summary: 'Cloud and local providers, fallback chain and live health', icon: 'M3 12h4l3-7 4 14 3-7h4', group: 'everyday' },
  { id: 'agents', label: 'Agents', summary: 'Agent library, hooks and skills', icon: 'M8 8a4 4 0 108 0 4 4 0 10-8 0M4 21c0-4 4-6 8-6s8 2 8 6', group: 'everyday' },
  { id: 'tools', label: 'Tools & MCP', summary: 'Built-in tools and MCP servers, with approvals', icon: 'M14 6l4 4-9 9H5v-4zM13 7l4 4', group: 'everyday' },
  { id: 'cluster', label: 'Cluster', summary: 'Machines on your network: pair, compare links, copy models', icon: 'M5 5h5v5H5zM14 5h5v5h-5zM9.5 14h5v5h-5zM7.5 10v2h9v-2M12 12v2', group: 'advanced' },
  { id: 'settings', label: 'Settings', summary: 'Every preference by section; search finds any setting', icon: 'M12 9a3 3 0 100 6 3 3 0 100-6M19 12l2-1-1-3-2 .2-1.5-1.5.2-2-3-1-1 2h-2l-1-2-3 1 .2 2L6.4 7.2 4.4 7 3.5 10l2 1v2l-2 1 1 3 2-.2 1.5 1.5-.2 2 3 1 1-2h2l1 2 3-1-.2-2 1.5-1.5 2 .2 1-3-2-1z', group: 'app' },
]

export const screenMeta = (id: ScreenId): ScreenMeta => screens.find((screen) => screen.id === id) ?? screens[0]!
