import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { testIo } from '../../test/support/io'
import { commandOrder, runFast } from './fast'
import { commands, runCli } from './run'

/** The files a module reaches through its value imports (type-only imports vanish in the build). */
function reachable(file: string, seen = new Set<string>()): Set<string> {
  seen.add(file)
  const source = fs.readFileSync(file, 'utf8')
  for (const match of source.matchAll(/^(?:import|export)\s+(?!type\b)(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) {
    const spec = match[1]!
    if (!spec.startsWith('.')) {
      seen.add(spec)
      continue
    }
    const base = path.resolve(path.dirname(file), spec)
    const target = [`${base}.ts`, path.join(base, 'index.ts'), base].find((candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile())
    if (target && !seen.has(target)) reachable(target, seen)
  }
  return seen
}

describe('the CLI fast path (help, --version, completion)', () => {
  it('lists the same commands, in the same order, with the same texts as the full command table', () => {
    expect(commandOrder.map((spec) => spec.name)).toEqual(commands.map((command) => command.name))
    for (const [i, spec] of commandOrder.entries()) {
      const command = commands[i]!
      expect({ name: command.name, summary: command.summary, usage: command.usage, options: command.options }).toEqual(spec)
    }
  })

  it('answers exactly as the full CLI does', async () => {
    const cases = [[], ['--help'], ['-h'], ['help'], ['--version'], ['-v'], ['completion', 'bash'], ['completion', 'zsh'], ['completion', 'fish'], ...commands.map((c) => [c.name, '--help'])]
    for (const argv of cases) {
      const fast = testIo()
      const full = testIo()
      const code = runFast(argv, fast)
      expect(code, argv.join(' ')).not.toBeUndefined()
      expect(await runCli(argv, full)).toBe(code)
      expect(fast.stdout()).toBe(full.stdout())
    }
  })

  it('leaves everything else to the full CLI', () => {
    for (const argv of [['serve'], ['--version', 'x'], ['completion'], ['completion', 'tcsh'], ['chat', 'hi'], ['serve', '--help', '--port', '1'], ['nope']]) {
      const io = testIo()
      expect(runFast(argv, io), argv.join(' ')).toBeUndefined()
      expect(io.stdout()).toBe('')
    }
  })

  it('imports nothing of the app: only the specs, the version and Node built-ins', () => {
    const here = import.meta.dirname
    const reached = [...reachable(path.join(here, 'fast.ts'))].map((file) => (path.isAbsolute(file) ? path.relative(path.join(here, '..', '..'), file) : file)).sort()
    expect(reached).toEqual(['node:util', 'package.json', 'src-main/cli/command.ts', 'src-main/cli/completion.ts', 'src-main/cli/fast.ts', 'src-main/cli/specs.ts', 'src-main/core/app/version.ts'])
  })
})
