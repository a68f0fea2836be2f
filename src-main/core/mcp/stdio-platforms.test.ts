import { describe, expect, it, vi } from 'vitest'
import { McpServerConfigSchema, type McpServerConfigInput } from '../../../src-shared/contract/mcp'
import { recordingPlatform, type FakeChild } from '../../../test/support/recording-processes'
import { argvThroughCmd, commandLineOf, runtimeArgv } from '../../../test/support/windows-cmd'
import { silentLogger } from '../log'
import { McpConnection } from './connection'
import { STDIO_CLOSE_GRACE_MS, stdioTransport } from './stdio-transport'

/**
 * MCP stdio servers as Windows and macOS start and stop them, with the processes recorded instead
 * of run. What a Windows program receives is worked out from its command line as cmd.exe, a batch
 * file and the C runtime read it (test/support/windows-cmd.ts).
 */

const WINDOWS_ENV = {
  ComSpec: 'C:\\WINDOWS\\system32\\cmd.exe',
  SystemRoot: 'C:\\WINDOWS',
  Path: 'C:\\WINDOWS\\system32;C:\\Program Files\\nodejs;C:\\Users\\Ada Lovelace\\AppData\\Roaming\\npm',
  PATHEXT: '.COM;.EXE;.BAT;.CMD',
}
const FILES = [
  'C:\\Program Files\\nodejs\\npx.cmd',
  'C:\\Program Files\\nodejs\\node.exe',
  'C:\\Users\\Ada Lovelace\\AppData\\Roaming\\npm\\mcp-server-everything.cmd',
  'C:\\Program Files\\Python312\\python.exe',
]
const FOLDER = 'C:\\Users\\Ada Lovelace\\My Documents'

const config = (input: Partial<McpServerConfigInput>) => McpServerConfigSchema.parse({ name: 'srv', transport: 'stdio', ...input })
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

async function started(input: Partial<McpServerConfigInput>, platform: ReturnType<typeof recordingPlatform>, env: Record<string, string> = WINDOWS_ENV) {
  const transport = await stdioTransport(config(input), { env, processes: platform.pp })
  await transport.start()
  return { transport, call: platform.spawns.at(-1)! }
}

describe('MCP stdio servers on Windows', () => {
  it('npx: npx.cmd found along Path, started through cmd.exe, every argument arriving unchanged', async () => {
    const win = recordingPlatform('win32', WINDOWS_ENV, FILES)
    const args = ['-y', '@modelcontextprotocol/server-filesystem', FOLDER, 'C:\\Work & Play\\', '%APPDATA%']
    const { call } = await started({ command: 'npx', args, env: { API_TOKEN: 't "1"' } }, win)
    expect(call.file).toBe('C:\\WINDOWS\\system32\\cmd.exe')
    expect(call.options).toMatchObject({ windowsVerbatimArguments: true, windowsHide: true, stdio: ['pipe', 'pipe', 'pipe'] })
    expect(call.options.env).toMatchObject({ ...WINDOWS_ENV, API_TOKEN: 't "1"' })
    expect(argvThroughCmd(commandLineOf(call.file, call.args, true), { ...WINDOWS_ENV, APPDATA: 'C:\\Users\\Ada Lovelace\\AppData\\Roaming' }, true)).toEqual({
      program: 'C:\\Program Files\\nodejs\\npx.cmd',
      argv: args,
    })
  })

  it('a global npm shim (.cmd) by name, the same', async () => {
    const win = recordingPlatform('win32', WINDOWS_ENV, FILES)
    const { call } = await started({ command: 'mcp-server-everything', args: ['--root', FOLDER] }, win)
    expect(argvThroughCmd(commandLineOf(call.file, call.args, true), WINDOWS_ENV, true)).toEqual({
      program: 'C:\\Users\\Ada Lovelace\\AppData\\Roaming\\npm\\mcp-server-everything.cmd',
      argv: ['--root', FOLDER],
    })
  })

  it('an .exe in a folder with a blank starts directly, without cmd.exe', async () => {
    const win = recordingPlatform('win32', WINDOWS_ENV, FILES)
    const args = ['-m', 'mcp_server_git', '--repository', FOLDER]
    const { call } = await started({ command: 'C:\\Program Files\\Python312\\python.exe', args }, win)
    expect(call.file).toBe('C:\\Program Files\\Python312\\python.exe')
    expect(call.options.windowsVerbatimArguments).toBeUndefined()
    expect(runtimeArgv(commandLineOf(call.file, call.args, false))).toEqual([call.file, ...args])
  })

  it('closing: stdin ends, and a server still there after the grace period has its tree ended with taskkill', async () => {
    const win = recordingPlatform('win32', WINDOWS_ENV, FILES)
    const { transport, call } = await started({ command: 'npx', args: ['-y', 'server'] }, win)
    const closing = transport.close()
    await settle()
    expect(call.child.stdin.writableEnded).toBe(true)
    win.clock.advance(STDIO_CLOSE_GRACE_MS - 1)
    expect(win.spawns).toHaveLength(1)
    win.clock.advance(1)
    await closing
    expect(win.spawns.slice(1).map(({ file, args }) => [file, ...args])).toEqual([['C:\\WINDOWS\\System32\\taskkill.exe', '/pid', String(call.child.pid), '/T', '/F']])
    expect(win.signals).toEqual([])
  })

  it('a server that refuses initialize is ended with its whole tree', async () => {
    const win = recordingPlatform('win32', WINDOWS_ENV, FILES, ({ child }) => answerInitialize(child, (id) => ({ jsonrpc: '2.0', id, error: { code: -32603, message: 'no workspace' } })))
    const c = new McpConnection({ config: config({ command: 'npx', args: ['-y', 'server'] }), env: WINDOWS_ENV, log: silentLogger(), processes: win.pp })
    const status = await c.start()
    expect(status).toMatchObject({ state: 'error' })
    expect(status.lastError).toMatch(/no workspace/)
    const server = win.spawns[0]!.child
    expect(win.spawns.slice(1).map(({ file, args }) => [file, ...args])).toContainEqual(['C:\\WINDOWS\\System32\\taskkill.exe', '/pid', String(server.pid), '/T', '/F'])
    server.exit(1)
    await c.stop()
  })
})

describe.each(['darwin', 'linux'] as const)('MCP stdio servers on %s', (platform) => {
  it('start as given, in their own process group, with the login PATH and their env', async () => {
    const posix = recordingPlatform(platform)
    const transport = await stdioTransport(config({ command: 'npx', args: ['-y', 'server', '/Users/ada/My Documents'], env: { TOKEN: 'x' } }), {
      env: { PATH: '/usr/bin', HOME: '/Users/ada' },
      loginPath: () => Promise.resolve('/opt/homebrew/bin:/usr/bin'),
      processes: posix.pp,
    })
    await transport.start()
    const [call] = posix.spawns
    expect([call!.file, ...call!.args]).toEqual(['npx', '-y', 'server', '/Users/ada/My Documents'])
    expect(call!.options).toMatchObject({ detached: true, env: { PATH: '/opt/homebrew/bin:/usr/bin', HOME: '/Users/ada', TOKEN: 'x' } })
    expect(transport.pid).toBe(call!.child.pid)
  })

  it('closing: stdin ends, then SIGTERM to the group after the grace period, then SIGKILL after another', async () => {
    const posix = recordingPlatform(platform)
    const { transport, call } = await started({ command: 'npx', args: ['-y', 'server'] }, posix, {})
    const closing = transport.close()
    await settle()
    expect(call.child.stdin.writableEnded).toBe(true)
    posix.clock.advance(STDIO_CLOSE_GRACE_MS)
    await closing
    expect(posix.signals).toEqual([{ pid: -call.child.pid, signal: 'SIGTERM' }])
    posix.clock.advance(STDIO_CLOSE_GRACE_MS)
    expect(posix.signals).toEqual([
      { pid: -call.child.pid, signal: 'SIGTERM' },
      { pid: -call.child.pid, signal: 'SIGKILL' },
    ])
  })

  it('a server that leaves when its stdin closes gets no signal at all', async () => {
    const posix = recordingPlatform(platform)
    const { transport, call } = await started({ command: 'uvx', args: ['mcp-server-git'] }, posix, {})
    call.child.stdin.on('finish', () => call.child.exit(0))
    await transport.close()
    posix.clock.advance(10 * STDIO_CLOSE_GRACE_MS)
    expect(posix.signals).toEqual([])
    expect(posix.clock.waiting).toBe(0)
  })

  it('messages go out and come in as newline-delimited JSON', async () => {
    const posix = recordingPlatform(platform)
    const { transport, call } = await started({ command: 'server' }, posix, {})
    const received: unknown[] = []
    transport.onmessage = (message) => void received.push(message)
    await transport.send({ jsonrpc: '2.0', id: 1, method: 'ping' })
    await settle()
    expect(call.child.stdinText()).toBe('{"jsonrpc":"2.0","id":1,"method":"ping"}\n')
    call.child.stdout.write('{"jsonrpc":"2.0","id":1,"result":{}}\n{"jsonrpc":"2.0","method":"notifications/tools/list_changed"}\n')
    await vi.waitFor(() => expect(received).toEqual([
      { jsonrpc: '2.0', id: 1, result: {} },
      { jsonrpc: '2.0', method: 'notifications/tools/list_changed' },
    ]))
  })
})

/** A fake server that answers `initialize` as `reply` says, reading JSON lines from its stdin. */
function answerInitialize(child: FakeChild, reply: (id: number) => object): void {
  let buffered = ''
  child.stdin.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8')
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const message = JSON.parse(buffered.slice(0, end)) as { id: number; method?: string }
      buffered = buffered.slice(end + 1)
      if (message.method === 'initialize') child.stdout.write(`${JSON.stringify(reply(message.id))}\n`)
    }
  })
}
