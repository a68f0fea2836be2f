import { describe, expect, it } from 'vitest'
import { recordingPlatform } from '../../../test/support/recording-processes'
import { commandLineOf, commandRunBy } from '../../../test/support/windows-cmd'
import { runShell } from './bash'

/** The Bash tool's shell as Windows and macOS start and stop it, with the processes recorded instead of run. */

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))
const WINDOWS_ENV = { ComSpec: 'C:\\WINDOWS\\system32\\cmd.exe', SystemRoot: 'C:\\WINDOWS' }

describe('the Bash tool on Windows', () => {
  it('runs the command verbatim through cmd.exe and ends its tree with taskkill on timeout', async () => {
    const win = recordingPlatform('win32', WINDOWS_ENV)
    const command = 'dir "C:\\Users\\Ada Lovelace\\My Project" & echo %CD%'
    const running = runShell(command, { cwd: 'C:\\Users\\Ada Lovelace\\My Project', timeoutMs: 10_000, signal: new AbortController().signal, outputCap: 1000, processes: win.pp })
    await settle()
    const [call] = win.spawns
    expect([call!.file, ...call!.args]).toEqual(['C:\\WINDOWS\\system32\\cmd.exe', '/d', '/s', '/c', `"${command}"`])
    expect(call!.options).toMatchObject({ cwd: 'C:\\Users\\Ada Lovelace\\My Project', windowsVerbatimArguments: true, windowsHide: true })
    expect(commandRunBy(commandLineOf(call!.file, call!.args, true))).toBe(command)
    win.clock.advance(10_000)
    expect(win.spawns[1]!.file).toBe('C:\\WINDOWS\\System32\\taskkill.exe')
    expect(win.spawns[1]!.args).toEqual(['/pid', String(call!.child.pid), '/T', '/F'])
    call!.child.exit(1)
    expect(await running).toMatchObject({ timedOut: true })
    expect(win.signals).toEqual([])
  })
})

describe('the Bash tool on macOS', () => {
  it('runs bash -c in its own group, and escalates SIGTERM to SIGKILL after the grace period when cancelled', async () => {
    const mac = recordingPlatform('darwin')
    const controller = new AbortController()
    const running = runShell('make test', { cwd: '/Users/ada/proj', timeoutMs: 60_000, signal: controller.signal, outputCap: 1000, processes: mac.pp })
    await settle()
    const [call] = mac.spawns
    expect(call!.args).toEqual(['-c', 'exec 2>&1; make test'])
    expect(call!.options).toMatchObject({ cwd: '/Users/ada/proj', detached: true })
    controller.abort()
    expect(mac.signals).toEqual([{ pid: -call!.child.pid, signal: 'SIGTERM' }])
    mac.clock.advance(1000)
    expect(mac.signals.at(-1)).toEqual({ pid: -call!.child.pid, signal: 'SIGKILL' })
    call!.child.exit(null, 'SIGKILL')
    expect(await running).toMatchObject({ cancelled: true, exitCode: null })
  })
})
