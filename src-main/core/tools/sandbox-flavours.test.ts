import { describe, expect, it } from 'vitest'
import { resolveDataDir } from '../paths'
import { isInside, pathFlavour } from './sandbox'

/** Workspace confinement with Windows' and macOS's path rules, checked on any machine (issue 19.11). */
describe('isInside with each platform’s path rules', () => {
  const windows = pathFlavour('win32')
  const mac = pathFlavour('darwin')
  const linux = pathFlavour('linux')

  it.each([
    ['C:\\work\\proj', 'C:\\work\\proj\\src\\a.ts', true],
    ['C:\\work\\proj', 'c:\\WORK\\Proj\\src', true],
    ['C:\\work\\proj', 'C:/work/proj/src/a.ts', true],
    ['C:\\work\\proj', 'C:\\work\\proj', true],
    ['C:\\work\\proj', 'C:\\work\\proj\\..\\secret.txt', false],
    ['C:\\work\\proj', 'C:\\work\\proj\\src\\..\\..\\secret.txt', false],
    ['C:\\work\\proj', 'C:\\work\\project2\\a.ts', false],
    ['C:\\work\\proj', 'D:\\work\\proj\\a.ts', false],
    ['\\\\server\\share\\proj', '\\\\server\\share\\proj\\a.txt', true],
    ['\\\\server\\share\\proj', '\\\\SERVER\\Share\\proj\\a.txt', true],
    ['\\\\server\\share\\proj', '\\\\server\\share\\other\\a.txt', false],
    ['\\\\server\\share\\proj', '\\\\server\\other\\proj\\a.txt', false],
    ['C:\\work\\proj', '\\\\server\\share\\proj', false],
  ])('Windows: %s holds %s → %s', (root, target, inside) => {
    expect(isInside(root, target, windows)).toBe(inside)
  })

  it('macOS folds case, Linux does not; .. never escapes on either', () => {
    expect(isInside('/Users/ada/Proj', '/users/ada/proj/a.ts', mac)).toBe(true)
    expect(isInside('/home/ada/Proj', '/home/ada/proj/a.ts', linux)).toBe(false)
    expect(isInside('/Users/ada/proj', '/Users/ada/proj/../.ssh/id_rsa', mac)).toBe(false)
    expect(isInside('/home/ada/proj', '/home/ada/proj/src/../../x', linux)).toBe(false)
    // A backslash is an ordinary character on POSIX, not a separator.
    expect(isInside('/home/ada/proj', '/home/ada/proj/..\\x', linux)).toBe(true)
  })

  it('the data folder resolves with each platform’s rules', () => {
    expect(resolveDataDir({ env: { APPDATA: 'C:\\Users\\Ada\\AppData\\Roaming' }, platform: 'win32', home: 'C:\\Users\\Ada' }).root).toBe('C:\\Users\\Ada\\AppData\\Roaming\\Ollama Desk')
    expect(resolveDataDir({ env: {}, platform: 'win32', home: 'C:\\Users\\Ada' }).root).toBe('C:\\Users\\Ada\\AppData\\Roaming\\Ollama Desk')
    expect(resolveDataDir({ env: {}, platform: 'darwin', home: '/Users/ada' }).root).toBe('/Users/ada/Library/Application Support/Ollama Desk')
    expect(resolveDataDir({ override: 'D:/odesk/../data', env: {}, platform: 'win32', home: 'C:\\Users\\Ada' }).root).toBe('D:\\data')
  })
})
