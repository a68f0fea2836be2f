import { describe, expect, it } from 'vitest'
import { recordingPlatform } from '../../../test/support/recording-processes'
import { argvThroughCmd, commandLineOf, runtimeArgv } from '../../../test/support/windows-cmd'
import { findWindowsCommand } from './windows-command'
import { windowsProgram } from '.'

/**
 * How an MCP server's command and arguments reach the program on Windows. The file system is a
 * case-insensitive stand-in; what the program receives is worked out from the command line as
 * Windows, cmd.exe and the C runtime read it (test/support/windows-cmd.ts).
 */

const env = {
  ComSpec: 'C:\\WINDOWS\\system32\\cmd.exe',
  Path: 'C:\\WINDOWS\\system32;C:\\Program Files\\nodejs;C:\\Users\\Ada Lovelace\\.local\\bin',
  PATHEXT: '.COM;.EXE;.BAT;.CMD;.VBS;.JS',
  USERPROFILE: 'C:\\Users\\Ada Lovelace',
}
const files = ['C:\\Program Files\\nodejs\\NPX.CMD', 'C:\\Program Files\\nodejs\\node.exe', 'C:\\Users\\Ada Lovelace\\.local\\bin\\uvx.exe', 'C:\\Tools\\My Server\\run.bat']

/** Arguments that break naive quoting: blanks, quotes, cmd syntax, variables, trailing backslashes. */
const hardArgs = [
  '-y',
  '@modelcontextprotocol/server-filesystem',
  'C:\\Users\\Ada Lovelace\\My Documents',
  'C:\\Work\\',
  'say "hi" & exit',
  'a|b<c>d',
  '100%',
  '%PATH%',
  '^caret',
  '(x)!',
  '',
]

describe('findWindowsCommand', () => {
  const { pp } = recordingPlatform('win32', env, files)
  it('finds a bare name along Path with PATHEXT, whatever the case', () => {
    expect(findWindowsCommand(pp, 'npx', env)).toBe('C:\\Program Files\\nodejs\\npx.cmd')
    expect(findWindowsCommand(pp, 'UVX', env)).toBe('C:\\Users\\Ada Lovelace\\.local\\bin\\UVX.exe')
  })
  it('takes a name with an extension, or a path, as it is', () => {
    expect(findWindowsCommand(pp, 'node.exe', env)).toBe('C:\\Program Files\\nodejs\\node.exe')
    expect(findWindowsCommand(pp, 'C:\\Tools\\My Server\\run.bat', env)).toBe('C:\\Tools\\My Server\\run.bat')
    expect(findWindowsCommand(pp, 'C:\\Tools\\My Server\\run', env)).toBe('C:\\Tools\\My Server\\run.bat')
  })
  it('finds nothing that is not there', () => {
    expect(findWindowsCommand(pp, 'missing-server', env)).toBeUndefined()
  })
})

describe('windowsProgram', () => {
  const { pp } = recordingPlatform('win32', env, files)

  it('npx (npx.cmd in a folder with a blank) gets every argument unchanged through cmd.exe and the batch file', () => {
    const run = windowsProgram(pp, 'npx', hardArgs, env)
    expect(run.file).toBe('C:\\WINDOWS\\system32\\cmd.exe')
    expect(run.args.slice(0, 3)).toEqual(['/d', '/s', '/c'])
    expect(run.options).toEqual({ windowsVerbatimArguments: true, windowsHide: true })
    const received = argvThroughCmd(commandLineOf(run.file, run.args, true), env, true)
    expect(received).toEqual({ program: 'C:\\Program Files\\nodejs\\npx.cmd', argv: hardArgs })
  })

  it('a .bat given by its path with a blank, the same', () => {
    const run = windowsProgram(pp, 'C:\\Tools\\My Server\\run.bat', hardArgs, env)
    expect(argvThroughCmd(commandLineOf(run.file, run.args, true), env, true)).toEqual({ program: 'C:\\Tools\\My Server\\run.bat', argv: hardArgs })
  })

  it('escaping once only would let cmd read the arguments a second time inside npx.cmd', () => {
    // The proof that the double escape matters: the same line read as if no batch file were in between differs.
    const run = windowsProgram(pp, 'npx', ['a&b'], env)
    expect(() => argvThroughCmd(commandLineOf(run.file, run.args, true), env, false)).not.toThrow()
    expect(argvThroughCmd(commandLineOf(run.file, run.args, true), env, false).argv).not.toEqual(['a&b'])
  })

  it('an .exe found along Path starts directly, and the C runtime reads back the same arguments', () => {
    const run = windowsProgram(pp, 'uvx', hardArgs, env)
    expect(run).toEqual({ file: 'C:\\Users\\Ada Lovelace\\.local\\bin\\uvx.exe', args: hardArgs, options: { windowsHide: true } })
    expect(runtimeArgv(commandLineOf(run.file, run.args, false))).toEqual([run.file, ...hardArgs])
  })

  it('a command not found is left to cmd.exe, escaped once, so cmd can say it is not recognised', () => {
    const run = windowsProgram(pp, 'missing-server', ['--dir', 'C:\\My Files'], env)
    expect(run.file).toBe('C:\\WINDOWS\\system32\\cmd.exe')
    expect(argvThroughCmd(commandLineOf(run.file, run.args, true), env, false)).toEqual({ program: 'missing-server', argv: ['--dir', 'C:\\My Files'] })
  })
})
