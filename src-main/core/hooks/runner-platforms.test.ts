import { describe, expect, it } from 'vitest'
import { recordingPlatform } from '../../../test/support/recording-processes'
import { commandLineOf, commandRunBy } from '../../../test/support/windows-cmd'
import { HOOK_KILL_GRACE_MS, runHookCommand, type HookPayload, type RunHookOptions } from './runner'

/** Hook commands as Windows and macOS start and stop them, with the processes recorded instead of run. */

const payload: HookPayload = { hook_event_name: 'PreToolUse', session_id: 's1', cwd: 'C:\\Users\\Ada Lovelace\\My Project', tool_name: 'Bash', tool_input: { command: 'dir' } }
const WINDOWS_ENV = { ComSpec: 'C:\\WINDOWS\\system32\\cmd.exe', SystemRoot: 'C:\\WINDOWS', Path: 'C:\\WINDOWS\\system32;C:\\Program Files\\nodejs' }

function options(platform: ReturnType<typeof recordingPlatform>, overrides: Partial<RunHookOptions> = {}): RunHookOptions {
  return { cwd: '/work/project', env: {}, projectDir: null, defaultTimeoutSec: 60, maxOutputBytes: 64 * 1024, now: () => 0, processes: platform.pp, ...overrides }
}

/** Lets the runner take its next step (stream events are delivered asynchronously). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('hook commands on Windows', () => {
  const project = 'C:\\Users\\Ada Lovelace\\My Project'
  const command = '"C:\\Program Files\\nodejs\\node.exe" "%USERPROFILE%\\.claude\\hooks\\guard.js" --label "a & b" 100%'

  it('run through cmd.exe /d /s /c with the command verbatim, in the project folder, with its variables', async () => {
    const win = recordingPlatform('win32', WINDOWS_ENV)
    const running = runHookCommand({ type: 'command', command }, payload, options(win, { cwd: project, projectDir: project, env: { ...WINDOWS_ENV, USERPROFILE: 'C:\\Users\\Ada Lovelace' } }))
    await settle()
    expect(win.spawns).toHaveLength(1)
    const [call] = win.spawns
    expect(call!.file).toBe('C:\\WINDOWS\\system32\\cmd.exe')
    expect(call!.args).toEqual(['/d', '/s', '/c', `"${command}"`])
    expect(call!.options).toMatchObject({ cwd: project, windowsVerbatimArguments: true, windowsHide: true })
    expect(call!.options.detached).toBeUndefined()
    // What cmd.exe runs on a real machine: the command exactly as written in the settings file.
    expect(commandRunBy(commandLineOf(call!.file, call!.args, true))).toBe(command)
    expect(call!.options.env).toMatchObject({
      CLAUDE_PROJECT_DIR: project,
      OLLAMA_DESK_PROJECT_DIR: project,
      OLLAMA_PROJECT_DIR: project,
      QARIN_PROJECT_DIR: project,
      USERPROFILE: 'C:\\Users\\Ada Lovelace',
      Path: WINDOWS_ENV.Path,
    })
    await settle()
    expect(JSON.parse(call!.child.stdinText())).toEqual(payload)
    call!.child.exit(2, null, { stderr: 'blocked on Windows\r\n' })
    expect(await running).toMatchObject({ exitCode: 2, decision: 'block', reason: 'blocked on Windows' })
  })

  it('on timeout, taskkill /pid N /T /F ends the tree (no POSIX signals) and the hook reports the timeout', async () => {
    const win = recordingPlatform('win32', WINDOWS_ENV)
    const running = runHookCommand({ type: 'command', command, timeout: 5 }, payload, options(win, { cwd: project }))
    await settle()
    const shell = win.spawns[0]!.child
    win.clock.advance(4999)
    expect(win.spawns).toHaveLength(1)
    win.clock.advance(1)
    expect(win.spawns.slice(1).map(({ file, args }) => [file, ...args])).toEqual([['C:\\WINDOWS\\System32\\taskkill.exe', '/pid', String(shell.pid), '/T', '/F']])
    // taskkill /F ends a process with exit code 1.
    shell.exit(1)
    expect(await running).toMatchObject({ timedOut: true, decision: 'error', error: 'timed out after 5 s' })
    expect(win.signals).toEqual([])
    // No second taskkill once the shell has exited: its tree went with it.
    expect(win.spawns).toHaveLength(2)
  })

  it('when cancelled, the tree is ended with taskkill too', async () => {
    const win = recordingPlatform('win32', WINDOWS_ENV)
    const controller = new AbortController()
    const running = runHookCommand({ type: 'command', command }, payload, options(win, { cwd: project, signal: controller.signal }))
    await settle()
    controller.abort()
    const shell = win.spawns[0]!.child
    expect(win.spawns[1]!.args).toEqual(['/pid', String(shell.pid), '/T', '/F'])
    shell.exit(1)
    expect(await running).toMatchObject({ timedOut: false, decision: 'error', error: 'cancelled' })
  })
})

describe.each(['darwin', 'linux'] as const)('hook commands on %s', (platform) => {
  const command = `"$CLAUDE_PROJECT_DIR"/.claude/hooks/check.sh --label 'a & b'`

  it('run through /bin/sh -c in their own process group', async () => {
    const posix = recordingPlatform(platform)
    const running = runHookCommand({ type: 'command', command }, payload, options(posix, { projectDir: '/Users/ada/My Project' }))
    await settle()
    const [call] = posix.spawns
    expect([call!.file, ...call!.args]).toEqual(['/bin/sh', '-c', command])
    expect(call!.options).toMatchObject({ cwd: '/work/project', detached: true })
    expect(call!.options.windowsVerbatimArguments).toBeUndefined()
    expect(call!.options.env).toMatchObject({ CLAUDE_PROJECT_DIR: '/Users/ada/My Project' })
    call!.child.exit(0, null, { stdout: '{"systemMessage":"ok"}' })
    expect(await running).toMatchObject({ exitCode: 0, systemMessage: 'ok' })
    expect(posix.signals).toEqual([])
  })

  it('on timeout: SIGTERM to the group, SIGKILL after the grace period, and the hook reports the timeout', async () => {
    const posix = recordingPlatform(platform)
    const running = runHookCommand({ type: 'command', command, timeout: 2 }, payload, options(posix))
    await settle()
    const shell = posix.spawns[0]!.child
    posix.clock.advance(2000)
    expect(posix.signals).toEqual([{ pid: -shell.pid, signal: 'SIGTERM' }])
    posix.clock.advance(HOOK_KILL_GRACE_MS - 1)
    expect(posix.signals).toHaveLength(1)
    posix.clock.advance(1)
    expect(posix.signals).toEqual([
      { pid: -shell.pid, signal: 'SIGTERM' },
      { pid: -shell.pid, signal: 'SIGKILL' },
    ])
    shell.exit(null, 'SIGKILL')
    expect(await running).toMatchObject({ timedOut: true, exitCode: null, decision: 'error', error: 'timed out after 2 s' })
    expect(posix.spawns).toHaveLength(1)
  })

  it('a shell that leaves after SIGTERM gets no SIGKILL timer; a group already gone (ESRCH) is no error', async () => {
    const posix = recordingPlatform(platform)
    const running = runHookCommand({ type: 'command', command, timeout: 2 }, payload, options(posix))
    await settle()
    const shell = posix.spawns[0]!.child
    posix.clock.advance(2000)
    posix.gone.add(shell.pid)
    shell.exit(null, 'SIGTERM')
    expect(await running).toMatchObject({ timedOut: true, error: 'timed out after 2 s' })
    posix.clock.advance(10_000)
    // Only the SIGTERM got through; the straggler SIGKILL met an empty group and said nothing.
    expect(posix.signals).toEqual([{ pid: -shell.pid, signal: 'SIGTERM' }])
    expect(posix.clock.waiting).toBe(0)
  })
})
