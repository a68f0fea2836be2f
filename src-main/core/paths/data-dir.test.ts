import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { APP_DIR_NAME, dataPaths, resolveDataDir } from '.'

describe('resolveDataDir', () => {
  const home = '/home/ada'
  it.each([
    ['flag wins over everything', { override: 'rel/dir', env: { OLLAMA_DESK_HOME: '/env' }, platform: 'linux', electronUserData: '/e' }, path.resolve('rel/dir'), 'flag'],
    ['env beats electron', { env: { OLLAMA_DESK_HOME: '/env/home' }, platform: 'linux', electronUserData: '/e' }, '/env/home', 'env'],
    ['electron userData', { env: {}, platform: 'linux', electronUserData: '/e/Ollama Desk' }, '/e/Ollama Desk', 'electron'],
    ['linux XDG', { env: { XDG_CONFIG_HOME: '/xdg' }, platform: 'linux' }, `/xdg/${APP_DIR_NAME}`, 'platform'],
    ['linux default', { env: {}, platform: 'linux' }, `${home}/.config/${APP_DIR_NAME}`, 'platform'],
    ['macOS', { env: {}, platform: 'darwin' }, `${home}/Library/Application Support/${APP_DIR_NAME}`, 'platform'],
  ] as const)('%s', (_name, input, root, source) => {
    expect(resolveDataDir({ home, ...input, env: { ...input.env } })).toEqual({ root, source })
  })

  it('uses Windows paths on win32', () => {
    expect(resolveDataDir({ env: { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, platform: 'win32', home: 'C:\\Users\\ada' })).toEqual({
      root: `C:\\Users\\ada\\AppData\\Roaming\\${APP_DIR_NAME}`,
      source: 'platform',
    })
    expect(resolveDataDir({ env: {}, platform: 'win32', home: 'C:\\Users\\ada' }).root).toBe(
      `C:\\Users\\ada\\AppData\\Roaming\\${APP_DIR_NAME}`,
    )
  })

  it('ignores empty overrides', () => {
    expect(resolveDataDir({ override: '', env: { OLLAMA_DESK_HOME: '' }, platform: 'linux', home }).source).toBe('platform')
  })
})

describe('dataPaths', () => {
  it('names the well-known files', () => {
    expect(dataPaths('/d')).toEqual({
      root: '/d',
      settings: '/d/settings.json',
      secrets: '/d/secrets.json',
      logs: '/d/logs',
      logFile: '/d/logs/ollama-desk.log',
    })
  })
})
