import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { APP_DIR_NAME, dataPaths, pathsOf, resolveDataDir, userHome } from '.'

/** The data folder by each platform's rules, worked out on whatever machine runs the tests. */

describe('resolveDataDir on Windows', () => {
  const base = { platform: 'win32' as const, home: 'C:\\Users\\Ada Lovelace', cwd: 'C:\\Users\\Ada Lovelace\\Projects' }

  it.each([
    ['APPDATA', { APPDATA: 'C:\\Users\\Ada Lovelace\\AppData\\Roaming' }, `C:\\Users\\Ada Lovelace\\AppData\\Roaming\\${APP_DIR_NAME}`],
    ['home when APPDATA is unset', {}, `C:\\Users\\Ada Lovelace\\AppData\\Roaming\\${APP_DIR_NAME}`],
    ['home when APPDATA is empty', { APPDATA: '' }, `C:\\Users\\Ada Lovelace\\AppData\\Roaming\\${APP_DIR_NAME}`],
    ['a roaming profile on a UNC share', { APPDATA: '\\\\fileserver\\profiles\\ada\\AppData\\Roaming' }, `\\\\fileserver\\profiles\\ada\\AppData\\Roaming\\${APP_DIR_NAME}`],
  ])('from %s', (_name, env, root) => {
    expect(resolveDataDir({ ...base, env })).toEqual({ root, source: 'platform' })
  })

  it.each([
    ['a relative --data-dir, against the current folder, with backslashes and ..', 'desk\\..\\data', 'C:\\Users\\Ada Lovelace\\Projects\\data'],
    ['forward slashes and another drive', 'D:/Desk Data/', 'D:\\Desk Data'],
    ['a UNC share', '\\\\nas\\home\\desk', '\\\\nas\\home\\desk'],
    ['a relative path going up', '..\\Shared', 'C:\\Users\\Ada Lovelace\\Shared'],
  ])('--data-dir: %s', (_name, override, root) => {
    expect(resolveDataDir({ ...base, env: {}, override })).toEqual({ root, source: 'flag' })
  })

  it('OLLAMA_DESK_HOME by the same rules', () => {
    expect(resolveDataDir({ ...base, env: { OLLAMA_DESK_HOME: 'e:/desk/../Desk' } })).toEqual({ root: 'e:\\Desk', source: 'env' })
  })

  it('the well-known files with backslashes', () => {
    const root = `C:\\Users\\Ada Lovelace\\AppData\\Roaming\\${APP_DIR_NAME}`
    expect(dataPaths(root, pathsOf('win32'))).toEqual({
      root,
      settings: `${root}\\settings.json`,
      secrets: `${root}\\secrets.json`,
      logs: `${root}\\logs`,
      logFile: `${root}\\logs\\ollama-desk.log`,
    })
  })
})

describe('resolveDataDir on macOS and Linux', () => {
  it('macOS: Application Support, whatever XDG says', () => {
    expect(resolveDataDir({ platform: 'darwin', home: '/Users/ada', env: { XDG_CONFIG_HOME: '/Users/ada/.xdg' } }).root).toBe(`/Users/ada/Library/Application Support/${APP_DIR_NAME}`)
  })

  it('Linux: a relative XDG_CONFIG_HOME is invalid and ignored, as the XDG spec says', () => {
    expect(resolveDataDir({ platform: 'linux', home: '/home/ada', env: { XDG_CONFIG_HOME: 'config' } }).root).toBe(`/home/ada/.config/${APP_DIR_NAME}`)
  })

  it('a relative --data-dir against the given current folder, backslashes being ordinary characters', () => {
    expect(resolveDataDir({ platform: 'linux', home: '/home/ada', env: {}, cwd: '/srv/app', override: '../data\\x' }).root).toBe('/srv/data\\x')
  })
})

describe('userHome', () => {
  it('on Windows: USERPROFILE, not a Git Bash HOME', () => {
    expect(userHome('win32', { HOME: '/c/Users/ada', USERPROFILE: 'C:\\Users\\ada' }, 'X')).toBe('C:\\Users\\ada')
    expect(userHome('win32', { HOMEDRIVE: 'C:', HOMEPATH: '\\Users\\ada' }, 'X')).toBe('C:\\Users\\ada')
    expect(userHome('win32', {}, 'C:\\fallback')).toBe('C:\\fallback')
  })

  it('elsewhere: HOME', () => {
    expect(userHome('darwin', { HOME: '/Users/ada', USERPROFILE: 'C:\\nope' }, 'X')).toBe('/Users/ada')
    expect(userHome('linux', {}, '/root')).toBe('/root')
  })

  it('the default data paths use this machine’s rules', () => {
    expect(dataPaths('/d').settings).toBe(path.join('/d', 'settings.json'))
  })
})
