import { describe, expect, it } from 'vitest'
import { commandLineOf, commandRunBy } from '../../../test/support/windows-cmd'
import { recordingPlatform } from '../../../test/support/recording-processes'
import { killTree, shellInvocation, stopTree } from '.'

const WINDOWS_ENV = { ComSpec: 'C:\\WINDOWS\\system32\\cmd.exe', SystemRoot: 'C:\\WINDOWS' }

describe('shellInvocation: a hook or Bash command line', () => {
  const commands = [
    'npm test',
    '"C:\\Program Files\\Git\\bin\\bash.exe" -c "echo one & echo two"',
    'node "C:\\Users\\Ada Lovelace\\hooks\\check.js" --mode="strict & quiet"',
    'echo 100% done & type "%USERPROFILE%\\notes.txt" | findstr /i "x"',
    '""C:\\Tools\\My App\\hook.cmd"" "an ""argument"""',
  ]

  it.each(commands)('on Windows, cmd.exe runs exactly what the user wrote: %s', (command) => {
    const { pp } = recordingPlatform('win32', WINDOWS_ENV)
    const shell = shellInvocation(pp, command)
    expect(shell).toEqual({
      file: 'C:\\WINDOWS\\system32\\cmd.exe',
      args: ['/d', '/s', '/c', `"${command}"`],
      options: { windowsVerbatimArguments: true, windowsHide: true },
    })
    // The command line Windows hands cmd.exe, and what cmd /s /c makes of it.
    expect(commandRunBy(commandLineOf(shell.file, shell.args, shell.options.windowsVerbatimArguments === true))).toBe(command)
  })

  it('on Windows, without verbatim arguments Node would quote the command and cmd would run something else', () => {
    // Why windowsVerbatimArguments matters: the check above fails without it.
    const command = commands[1]!
    const { pp } = recordingPlatform('win32', WINDOWS_ENV)
    const shell = shellInvocation(pp, command)
    expect(commandRunBy(commandLineOf(shell.file, shell.args, false))).not.toBe(command)
  })

  it('on Windows without ComSpec, cmd.exe by name', () => {
    expect(shellInvocation(recordingPlatform('win32').pp, 'dir').file).toBe('cmd.exe')
  })

  it.each(['linux', 'darwin'] as const)('on %s, /bin/sh -c in its own process group', (platform) => {
    const command = `echo "it's" & sleep 1; cat '/Users/ada/My Project/a.txt'`
    expect(shellInvocation(recordingPlatform(platform).pp, command)).toEqual({ file: '/bin/sh', args: ['-c', command], options: { detached: true } })
  })
})

describe('killTree', () => {
  it('on Windows, taskkill from System32 ends the whole tree at once', () => {
    const { pp, spawns, signals } = recordingPlatform('win32', WINDOWS_ENV)
    expect(killTree(pp, 4242, 'SIGTERM')).toBe('signalled')
    expect(spawns.map(({ file, args, options }) => ({ file, args, options }))).toEqual([
      { file: 'C:\\WINDOWS\\System32\\taskkill.exe', args: ['/pid', '4242', '/T', '/F'], options: { stdio: 'ignore', windowsHide: true } },
    ])
    expect(signals).toEqual([])
  })

  it('on Windows, a taskkill that cannot start is not an error', () => {
    const { pp, spawns } = recordingPlatform('win32')
    killTree(pp, 7, 'SIGKILL')
    expect(spawns[0]!.file).toBe('taskkill.exe')
    expect(() => spawns[0]!.child.emit('error', new Error('spawn taskkill.exe ENOENT'))).not.toThrow()
  })

  it.each(['linux', 'darwin'] as const)('on %s, signals the process group (the negative pid)', (platform) => {
    const { pp, signals, spawns } = recordingPlatform(platform)
    expect(killTree(pp, 4242, 'SIGTERM')).toBe('signalled')
    expect(signals).toEqual([{ pid: -4242, signal: 'SIGTERM' }])
    expect(spawns).toEqual([])
  })

  it('a process that already exited (ESRCH) is gone, not an error', () => {
    const { pp, gone } = recordingPlatform('linux')
    gone.add(4242)
    expect(killTree(pp, 4242, 'SIGKILL')).toBe('gone')
  })

  it('a refused signal (EPERM) is reported, not thrown', () => {
    const pp = { ...recordingPlatform('linux').pp, kill: () => { throw Object.assign(new Error('kill EPERM'), { code: 'EPERM' }) } }
    expect(killTree(pp, 1, 'SIGKILL')).toBe('refused')
  })
})

describe('stopTree', () => {
  it('on POSIX, SIGTERM to the group, then SIGKILL once the grace period has passed', () => {
    const { pp, signals, clock } = recordingPlatform('linux')
    stopTree(pp, 4242, 1000)
    expect(signals).toEqual([{ pid: -4242, signal: 'SIGTERM' }])
    clock.advance(999)
    expect(signals).toHaveLength(1)
    clock.advance(1)
    expect(signals).toEqual([
      { pid: -4242, signal: 'SIGTERM' },
      { pid: -4242, signal: 'SIGKILL' },
    ])
  })

  it('on POSIX, no SIGKILL for a tree that exited in the grace period and was called off', () => {
    const { pp, signals, clock } = recordingPlatform('darwin')
    const callOff = stopTree(pp, 4242, 1000)
    callOff()
    clock.advance(5000)
    expect(signals).toEqual([{ pid: -4242, signal: 'SIGTERM' }])
    expect(clock.waiting).toBe(0)
  })

  it('on POSIX, a tree that exited during the grace period makes the SIGKILL a no-op, not an error', () => {
    const { pp, signals, clock, gone } = recordingPlatform('linux')
    stopTree(pp, 4242, 1000)
    gone.add(4242)
    expect(() => clock.advance(1000)).not.toThrow()
    expect(signals).toEqual([{ pid: -4242, signal: 'SIGTERM' }])
  })

  it('on POSIX, a tree already gone before SIGTERM sets no timer', () => {
    const { pp, clock, gone } = recordingPlatform('linux')
    gone.add(4242)
    stopTree(pp, 4242, 1000)
    expect(clock.waiting).toBe(0)
  })

  it('on Windows, one taskkill /T /F and no timer', () => {
    const { pp, spawns, signals, clock } = recordingPlatform('win32', WINDOWS_ENV)
    stopTree(pp, 4242, 1000)
    clock.advance(5000)
    expect(spawns.map(({ file, args }) => [file, ...args])).toEqual([['C:\\WINDOWS\\System32\\taskkill.exe', '/pid', '4242', '/T', '/F']])
    expect(signals).toEqual([])
  })
})
