import { Menu, shell, type MenuItemConstructorOptions } from 'electron'

export const HELP_URL = 'https://github.com/ollama/ollama/blob/main/docs/faq.md'

/** The standard menus, plus Help. Keyboard shortcuts in the renderer (Ctrl/Cmd+K) stay free. */
export function buildMenuTemplate(platform: NodeJS.Platform): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin'
  return [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [{ label: 'Ollama documentation', click: () => void shell.openExternal(HELP_URL) }],
    },
  ]
}

export function installMenu(platform: NodeJS.Platform): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate(platform)))
}
