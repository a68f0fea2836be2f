import { describe, expect, it } from 'vitest'
import { LOGIN_SHELL_TIMEOUT_MS, loginShellPath, type ShellRunner } from './login-path'

function recordingRunner(answer: (shell: string) => Promise<string>): ShellRunner & { calls: { shell: string; args: string[]; timeoutMs: number }[] } {
  const calls: { shell: string; args: string[]; timeoutMs: number }[] = []
  const run = (shell: string, args: string[], timeoutMs: number): Promise<string> => {
    calls.push({ shell, args, timeoutMs })
    return answer(shell)
  }
  return Object.assign(run, { calls })
}

describe('loginShellPath', () => {
  it('asks the login shell once, ignores its banners and keeps the current PATH after it', async () => {
    const run = recordingRunner(() => Promise.resolve('Welcome back!\n__PATH__/Users/me/.nvm/versions/node/v22/bin:/opt/homebrew/bin:/usr/bin__PATH__'))
    const env = { SHELL: '/bin/zsh', PATH: '/usr/bin:/bin' }
    expect(await loginShellPath(env, 'darwin', run)).toBe('/Users/me/.nvm/versions/node/v22/bin:/opt/homebrew/bin:/usr/bin:/bin')
    expect(await loginShellPath(env, 'darwin', run)).toBe('/Users/me/.nvm/versions/node/v22/bin:/opt/homebrew/bin:/usr/bin:/bin')
    expect(run.calls).toHaveLength(1)
    expect(run.calls[0]).toMatchObject({ shell: '/bin/zsh', timeoutMs: LOGIN_SHELL_TIMEOUT_MS })
    expect(run.calls[0]?.args[0]).toBe('-ilc')
  })

  it('runs a real shell with the command it sends', async () => {
    const path = await loginShellPath({ SHELL: '/bin/sh', PATH: '/usr/bin:/bin', HOME: '/nonexistent' }, 'linux')
    expect(path.split(':')).toEqual(expect.arrayContaining(['/usr/bin', '/bin']))
  })

  it('falls back to the current PATH when the shell fails, times out or prints nothing marked', async () => {
    const failing = recordingRunner(() => Promise.reject(new Error('timed out')))
    expect(await loginShellPath({ SHELL: '/bin/bash', PATH: '/usr/bin' }, 'linux', failing)).toBe('/usr/bin')
    const unmarked = recordingRunner(() => Promise.resolve('some noise'))
    expect(await loginShellPath({ SHELL: '/bin/bash', PATH: '/usr/bin' }, 'linux', unmarked)).toBe('/usr/bin')
  })

  it('uses a default shell when SHELL is unset and never asks a shell on Windows', async () => {
    const run = recordingRunner(() => Promise.resolve('__PATH__/x__PATH__'))
    await loginShellPath({ PATH: '/usr/bin' }, 'darwin', run)
    await loginShellPath({ PATH: '/usr/bin' }, 'linux', run)
    expect(run.calls.map((c) => c.shell)).toEqual(['/bin/zsh', '/bin/sh'])
    expect(await loginShellPath({ Path: 'C:\\Windows' }, 'win32', run)).toBe('C:\\Windows')
    expect(run.calls).toHaveLength(2)
  })
})
