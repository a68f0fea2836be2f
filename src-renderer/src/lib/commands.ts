import type { ApiClient, Theme } from '../../../src-shared/contract'
import { screens, type ScreenId } from '../app/screen-registry'
import { useOnboarding } from '../store/onboarding-store'
import { updateSettings } from '../store/bootstrap'

export interface CommandContext {
  api: ApiClient
  navigate(screen: ScreenId): void
}

export interface PaletteCommand {
  id: string
  title: string
  section: 'Go to' | 'Appearance' | 'Ollama' | 'Skills' | 'App'
  hint?: string
  run(ctx: CommandContext): void | Promise<unknown>
}

const themes: { theme: Theme; label: string }[] = [
  { theme: 'system', label: 'Theme: follow the system' },
  { theme: 'light', label: 'Theme: light' },
  { theme: 'dark', label: 'Theme: dark' },
]

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
      id: 'app.diagnostics',
      title: 'Run diagnostics (doctor)',
      section: 'App',
      run: (ctx) => ctx.navigate('settings'),
    },
  ]
}
