import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { AppError } from '../errors'
import { userPathError } from './user-path-errors'

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: failed`), { code })
const folders: string[] = []
afterEach(() => folders.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })))

describe('userPathError: a failure on a path the user named says what to change', () => {
  it('names the file that stands where a folder is needed (ENOTDIR), as a validation error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'user-path-'))
    folders.push(dir)
    const file = path.join(dir, 'notes.json')
    fs.writeFileSync(file, '{}')
    let thrown: unknown
    try {
      fs.readFileSync(path.join(file, '.ollama-desk', 'settings.json'))
    } catch (error) {
      thrown = error
    }
    const error = userPathError(thrown, path.join(file, '.ollama-desk', 'settings.json'), 'Cannot read the settings')
    expect(error.toShape()).toMatchObject({ code: 'E_VALIDATION', message: `Cannot read the settings: ${file} is a file, not a folder.` })
  })

  it.each([
    ['ENOENT', 'E_NOT_FOUND', 'Export failed: /nowhere does not exist or does not take new files.'],
    ['EACCES', 'E_FORBIDDEN', 'Export failed: permission denied.'],
    ['EPERM', 'E_FORBIDDEN', 'Export failed: permission denied.'],
    ['EROFS', 'E_FORBIDDEN', 'Export failed: that disk is read-only.'],
    ['ENOSPC', 'E_DISK_FULL', 'Export failed: the disk is full.'],
    ['EISDIR', 'E_VALIDATION', 'Export failed: /nowhere/out.zip is a folder, not a file.'],
    ['ENAMETOOLONG', 'E_VALIDATION', 'Export failed: the path cannot be used (ENAMETOOLONG).'],
    ['EIO', 'E_IO', 'Export failed (EIO).'],
  ])('%s becomes %s', (code, expected, message) => {
    const error = userPathError(errno(code), '/nowhere/out.zip', 'Export failed', 'Pick another folder.')
    expect(error.toShape()).toMatchObject({ code: expected, message })
    expect(error.toShape().hint).toBeTruthy()
  })

  it('passes typed errors through unchanged', () => {
    const typed = new AppError('E_CONFIG', 'bad')
    expect(userPathError(typed, '/x', 'whatever')).toBe(typed)
  })
})
