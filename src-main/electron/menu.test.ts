import { describe, expect, it, vi } from 'vitest'
import { Menu, shell } from '../../test/support/electron-fake'

vi.mock('electron', async () => (await import('../../test/support/electron-fake')).electronModule())

const { HELP_URL, buildMenuTemplate, installMenu } = await import('./menu')

describe('menu', () => {
  it('has the standard menus, with the app menu on macOS only', () => {
    expect(buildMenuTemplate('darwin').map((item) => item.role)).toEqual(['appMenu', 'fileMenu', 'editMenu', 'viewMenu', 'windowMenu', 'help'])
    expect(buildMenuTemplate('linux').map((item) => item.role)).toEqual(['fileMenu', 'editMenu', 'viewMenu', 'windowMenu', 'help'])
    expect(buildMenuTemplate('win32')[0]?.role).toBe('fileMenu')
  })

  it('Help opens the Ollama docs in the browser', () => {
    const help = buildMenuTemplate('linux').at(-1)
    const item = (help?.submenu as { label: string; click: () => void }[])[0]
    expect(item?.label).toBe('Ollama documentation')
    item?.click()
    expect(shell.openExternal).toHaveBeenCalledWith(HELP_URL)
    expect(HELP_URL).toMatch(/^https:\/\//)
  })

  it('installMenu builds and sets the application menu', () => {
    installMenu('linux')
    expect(Menu.buildFromTemplate).toHaveBeenCalledTimes(1)
    expect(Menu.setApplicationMenu).toHaveBeenCalledWith({ template: Menu.buildFromTemplate.mock.calls[0]?.[0] })
  })
})
