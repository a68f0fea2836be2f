import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { OutsideWorkspaceError, WorkspaceRootError, globToRegExp, resolveInside } from './sandbox'

afterEach(removeTempDirs)

function layout() {
  const base = fs.realpathSync(makeTempDir())
  const root = path.join(base, 'ws')
  const outside = path.join(base, 'outside')
  fs.mkdirSync(path.join(root, 'src'), { recursive: true })
  fs.mkdirSync(outside)
  fs.writeFileSync(path.join(root, 'src', 'a.ts'), 'a')
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'secret')
  return { base, root, outside }
}

describe('resolveInside', () => {
  it('resolves relative paths against cwd and absolute ones as given, inside the roots', () => {
    const { root } = layout()
    expect(resolveInside([root], path.join(root, 'src'), 'a.ts')).toBe(path.join(root, 'src', 'a.ts'))
    expect(resolveInside([root], root, path.join(root, 'src', 'a.ts'))).toBe(path.join(root, 'src', 'a.ts'))
    expect(resolveInside([root], root, 'new/deep/file.txt')).toBe(path.join(root, 'new', 'deep', 'file.txt'))
    expect(resolveInside([root], root, '.')).toBe(root)
  })

  it('refuses .. escapes and absolute paths outside every root', () => {
    const { root, outside } = layout()
    expect(() => resolveInside([root], root, '../outside/secret.txt')).toThrow(OutsideWorkspaceError)
    expect(() => resolveInside([root], path.join(root, 'src'), '../../outside/x')).toThrow(/outside the workspace/)
    expect(() => resolveInside([root], root, path.join(outside, 'secret.txt'))).toThrow(OutsideWorkspaceError)
    expect(() => resolveInside([root], root, '/etc/passwd')).toThrow(OutsideWorkspaceError)
    // A sibling whose name starts like the root is not inside it.
    fs.mkdirSync(`${root}2`)
    expect(() => resolveInside([root], root, `${root}2/x`)).toThrow(OutsideWorkspaceError)
  })

  it('accepts a path in any of several roots', () => {
    const { root, outside } = layout()
    expect(resolveInside([root, outside], root, path.join(outside, 'secret.txt'))).toBe(path.join(outside, 'secret.txt'))
  })

  it('follows symlinks: a link to a file outside, a new file under a linked folder, and a dangling link are refused', () => {
    const { root, outside } = layout()
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'link.txt'))
    fs.symlinkSync(outside, path.join(root, 'linkdir'))
    fs.symlinkSync(path.join(outside, 'not-yet.txt'), path.join(root, 'dangling'))
    expect(() => resolveInside([root], root, 'link.txt')).toThrow(/through a symbolic link/)
    expect(() => resolveInside([root], root, 'linkdir/new/file.txt')).toThrow(OutsideWorkspaceError)
    expect(() => resolveInside([root], root, 'dangling')).toThrow(OutsideWorkspaceError)
  })

  it('allows symlinks that stay inside and realpaths the roots themselves', () => {
    const { base, root } = layout()
    fs.symlinkSync(path.join(root, 'src'), path.join(root, 'alias'))
    expect(resolveInside([root], root, 'alias/a.ts')).toBe(path.join(root, 'src', 'a.ts'))
    const linkedRoot = path.join(base, 'ws-link')
    fs.symlinkSync(root, linkedRoot)
    expect(resolveInside([linkedRoot], linkedRoot, 'src/a.ts')).toBe(path.join(root, 'src', 'a.ts'))
  })

  it('reports a missing workspace root as a configuration error', () => {
    const { base } = layout()
    expect(() => resolveInside([path.join(base, 'missing')], base, 'x')).toThrow(WorkspaceRootError)
    expect(() => resolveInside([], base, 'x')).toThrow(WorkspaceRootError)
  })
})

describe('globToRegExp', () => {
  it.each([
    ['src/**', 'src/a/b.ts', true],
    ['src/**', 'lib/a.ts', false],
    ['src/**', 'src', true],
    ['src/**', 'srcs/a', false],
    ['**/*.ts', 'a.ts', true],
    ['**/*.ts', 'x/y/a.ts', true],
    ['*.ts', 'x/a.ts', false],
    ['src/*.{ts,tsx}', 'src/a.tsx', true],
    ['src/?.ts', 'src/ab.ts', false],
    ['a.b', 'aXb', false],
  ])('%s against %s is %s', (glob, subject, expected) => {
    expect(globToRegExp(glob).test(subject)).toBe(expected)
  })
})
