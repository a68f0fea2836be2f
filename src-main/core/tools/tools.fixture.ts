import fs from 'node:fs'
import path from 'node:path'
import { makeTempDir } from '../../../test/support/tmp'
import type { ToolContext } from './specs'

/** A workspace folder and a sibling "outside" folder holding a secret, for tool tests. */
export function makeWorkspace(overrides: Partial<ToolContext> = {}) {
  const base = fs.realpathSync(makeTempDir('ollama-desk-tools-'))
  const root = path.join(base, 'ws')
  const outside = path.join(base, 'outside')
  fs.mkdirSync(root)
  fs.mkdirSync(outside)
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'TOP SECRET\n')
  const ctx: ToolContext = { roots: [root], cwd: root, signal: new AbortController().signal, ...overrides }
  const write = (rel: string, content: string | Buffer): string => {
    const file = path.join(root, rel)
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, content)
    return file
  }
  return { base, root, outside, ctx, write }
}

/** Every file below `dir`, relative, for asserting that nothing appeared where it must not. */
export function listFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: false }) as string[]).sort()
}
