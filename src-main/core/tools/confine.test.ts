import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { bashTool } from './bash'
import { bwrapArgs, bwrapRuns, seatbeltProfile, shellConfinement } from './confine'
import { previewFor } from './run-tool'

afterEach(() => removeTempDirs())

/** A machine as the tool sees it: a home with a private file, the app's data folder with its secrets, a workspace. */
function machine() {
  const home = makeTempDir('confine-home-')
  const dataDir = path.join(home, '.config', 'Ollama Desk')
  fs.mkdirSync(dataDir, { recursive: true })
  fs.writeFileSync(path.join(dataDir, 'secrets.json'), '{"openai":"sk-secret"}')
  const outside = path.join(home, 'outside')
  fs.mkdirSync(outside)
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'do not read me')
  const workspace = path.join(home, 'project')
  fs.mkdirSync(workspace)
  fs.writeFileSync(path.join(workspace, 'README.md'), 'hello')
  return { home, dataDir, outside, workspace }
}

const run = (command: string, m: ReturnType<typeof machine>) =>
  bashTool({ command }, { roots: [m.workspace], cwd: m.workspace, signal: new AbortController().signal, confinement: shellConfinement({ platform: 'linux', dataDir: m.dataDir, home: m.home }) })

const canSandbox = process.platform === 'linux' && bwrapRuns()

describe('Bash confinement (issue 19.7)', () => {
  it.skipIf(!canSandbox)('on Linux with bubblewrap: the workspace is writable, ../outside and the data folder are not readable, the rest is read-only', async () => {
    const m = machine()
    // The command the review ran: it printed the file before.
    const escaped = await run('cat ../outside/secret.txt', m)
    expect(escaped.ok).toBe(false)
    expect(escaped.output).not.toContain('do not read me')
    expect((await run(`cat ${JSON.stringify(path.join(m.dataDir, 'secrets.json'))}`, m)).output).not.toContain('sk-secret')
    expect(await run('cat README.md && echo made > made.txt', m)).toMatchObject({ ok: true, output: 'hello' })
    expect(fs.readFileSync(path.join(m.workspace, 'made.txt'), 'utf8')).toBe('made\n')
    const system = await run('touch /usr/ollama-desk-confinement-test', m)
    expect(system.ok).toBe(false)
    expect(fs.existsSync('/usr/ollama-desk-confinement-test')).toBe(false)
    // The user's files outside were left alone.
    expect(fs.readFileSync(path.join(m.outside, 'secret.txt'), 'utf8')).toBe('do not read me')
  })

  it('says in the approval dialog what the command may touch, and plainly when nothing confines it', async () => {
    const m = machine()
    const where = { roots: [m.workspace], cwd: m.workspace }
    const bare = shellConfinement({ platform: 'win32', dataDir: m.dataDir, home: m.home })
    expect(bare.kind).toBe('none')
    expect((await previewFor('Bash', { command: 'dir' }, { ...where, confinement: bare })).summary).toBe(
      'Bash: dir (No sandbox is available on this system: the command runs with your full rights, like in your own terminal.)',
    )
    const noBwrap = shellConfinement({ platform: 'linux', dataDir: m.dataDir, home: m.home, bwrapWorks: () => false })
    expect(noBwrap.kind).toBe('none')
    const sandboxed = shellConfinement({ platform: 'linux', dataDir: m.dataDir, home: m.home, bwrapWorks: () => true })
    expect((await previewFor('Bash', { command: 'ls' }, { ...where, confinement: sandboxed })).summary).toMatch(/^Bash: ls \(Runs in a sandbox: it can change files only in the workspace/)
  })

  it('hides before it binds, so a workspace inside the home folder stays reachable', () => {
    const args = bwrapArgs({ file: '/bin/bash', args: ['-c', 'ls'] }, { roots: ['/home/ada/project'], cwd: '/home/ada/project' }, { home: '/home/ada', dataDir: '/home/ada/.config/Ollama Desk' })
    const at = (flag: string, value: string) => args.findIndex((arg, i) => arg === flag && args[i + 1] === value)
    expect(at('--tmpfs', '/home/ada')).toBeGreaterThan(at('--ro-bind', '/'))
    expect(at('--bind', '/home/ada/project')).toBeGreaterThan(at('--tmpfs', '/home/ada'))
    expect(args.slice(args.indexOf('--'))).toEqual(['--', '/bin/bash', '-c', 'ls'])
  })

  it('on macOS writes a sandbox-exec profile with the same rules, quoting paths', () => {
    const profile = seatbeltProfile({ roots: ['/Users/ada/my "project"'] }, { home: '/Users/ada', dataDir: '/Users/ada/Library/Application Support/Ollama Desk' })
    expect(profile).toContain('(deny file-write*)')
    expect(profile).toContain('(allow file-write* (subpath "/Users/ada/my \\"project\\"")')
    expect(profile).toContain('(deny file-read* (subpath "/Users/ada"))')
    expect(profile).toContain('(deny file-read* file-write* (subpath "/Users/ada/Library/Application Support/Ollama Desk"))')
    const mac = shellConfinement({ platform: 'darwin', dataDir: '/d', home: '/h' }).wrap({ file: '/bin/bash', args: ['-c', 'ls'] }, { roots: ['/w'], cwd: '/w' })
    expect(mac.file).toBe('/usr/bin/sandbox-exec')
    expect(mac.args.slice(-3)).toEqual(['/bin/bash', '-c', 'ls'])
  })
})
