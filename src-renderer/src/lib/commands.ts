import type { ApiClient, Theme } from '../../../src-shared/contract'
import { screens, type ScreenId } from '../app/screen-registry'
import { useChatView } from '../store/chat-view-store'
import { useOnboarding } from '../store/onboarding-store'
import { navigateTo, openSettings, startNewChat } from './navigation'
import { sectionMeta, settingsCards, settingsSections } from '../app/settings-sections'
import { updateSettings } from '../store/bootstrap'
import { useAppStore } from '../store/app-store'

const modKey = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform) ? '⌘' : 'Ctrl+'

export interface CommandContext {
  api: ApiClient
  navigate(screen: ScreenId): void
}

export interface PaletteCommand {
  id: string
  title: string
  section: 'Go to' | 'Settings' | 'Chat' | 'Chats' | 'Appearance' | 'Ollama' | 'Skills' | 'App'
  /** A line under the title (a search hit's words in context). */
  detail?: string
  hint?: string
  run(ctx: CommandContext): void | Promise<unknown>
}

const themes: { theme: Theme; label: string }[] = [
  { theme: 'system', label: 'Theme: follow the system' },
  { theme: 'light', label: 'Theme: light' },
  { theme: 'dark', label: 'Theme: dark' },
]

/** Every section of Settings, and every card in one, opened directly. */
function settingsCommands(): PaletteCommand[] {
  return [
    ...settingsSections.map((section) => ({ id: `settings.${section.id}`, title: section.label, detail: section.summary, section: 'Settings' as const, run: () => openSettings(section.id) })),
    ...settingsCards.map((card) => ({ id: `settings.${card.section}.${card.id}`, title: `${sectionMeta(card.section).label} › ${card.title}`, section: 'Settings' as const, run: () => openSettings(card.section, card.id) })),
  ]
}

/** Everything the palette offers; features add their commands here. */
export function paletteCommands(): PaletteCommand[] {
  return [
    ...screens.map((screen, index) => ({
      id: `go.${screen.id}`,
      title: `Go to ${screen.label}`,
      section: 'Go to' as const,
      hint: `${index + 1}`,
      run: (ctx: CommandContext) => ctx.navigate(screen.id),
    })),
    { id: 'chat.new', title: 'New chat', section: 'Chat', hint: `${modKey}N`, run: () => startNewChat() },
    {
      id: 'chat.model',
      title: 'Switch model',
      section: 'Chat',
      run: () => {
        if (useAppStore.getState().screen !== 'chat') navigateTo('chat')
        useChatView.getState().openModelPicker()
      },
    },
    {
      id: 'chat.find',
      title: 'Find in chat',
      section: 'Chat',
      hint: `${modKey}F`,
      run: () => {
        if (!useAppStore.getState().openSessionId) return useAppStore.getState().notify({ level: 'info', message: 'Open a chat to find words in it.' })
        if (useAppStore.getState().screen !== 'chat') navigateTo('chat')
        useChatView.getState().openFind()
      },
    },
    ...themes.map(({ theme, label }) => ({
      id: `theme.${theme}`,
      title: label,
      section: 'Appearance' as const,
      run: (ctx: CommandContext) => updateSettings(ctx.api, { appearance: { theme } }),
    })),
    {
      id: 'ollama.check',
      title: 'Check Ollama connection',
      section: 'Ollama',
      run: (ctx) => ctx.navigate('models'),
    },
    {
      id: 'app.onboarding',
      title: 'Run setup again',
      section: 'App',
      run: () => useOnboarding.getState().show(),
    },
    {
      id: 'app.shortcuts',
      title: 'Keyboard shortcuts',
      section: 'App',
      hint: '?',
      run: () => useAppStore.getState().setShortcutsOpen(true),
    },
    {
      id: 'app.diagnostics',
      title: 'Run diagnostics (doctor)',
      section: 'App',
      run: () => openSettings('advanced', 'diagnostics'),
    },
    ...settingsCommands(),
  ]
}
