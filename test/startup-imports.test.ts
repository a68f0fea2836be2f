import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

/**
 * What start-up loads (issue 20): the packages reachable from the CLI's and the desktop app's
 * entries through static value imports, the ones that run before the first request. Heavy SDKs
 * must come through `import()` on first use instead: each of these costs 100-250 ms (hundreds of
 * module files) on a busy machine, and `serve` is held to 500 ms to its first HTTP 200.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

const LOADED_ON_FIRST_USE = ['@opentelemetry/', '@modelcontextprotocol/', 'openai', '@anthropic-ai/sdk', '@google/genai', 'undici']

/** The specifiers a file imports statically for their values: no `import type`, no type-only names, no `import()`. */
function valueImports(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false)
  const out: string[] = []
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const clause = statement.importClause
      if (clause?.isTypeOnly) continue
      const named = clause?.namedBindings
      const onlyTypes = clause && !clause.name && named && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly)
      if (!onlyTypes) out.push(statement.moduleSpecifier.text)
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
      const clause = statement.exportClause
      const onlyTypes = statement.isTypeOnly || (clause && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly))
      if (!onlyTypes) out.push(statement.moduleSpecifier.text)
    }
  }
  return out
}

function resolveOurs(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier)
  return [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')].find((candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile())
}

/** Every package the entry loads before it runs, with one chain of files that brings each in. */
function startupPackages(entry: string): Map<string, string[]> {
  const packages = new Map<string, string[]>()
  const seen = new Set<string>()
  const walk = (file: string, chain: string[]): void => {
    if (seen.has(file)) return
    seen.add(file)
    const here = [...chain, path.relative(root, file)]
    for (const specifier of valueImports(file)) {
      if (specifier.startsWith('.')) {
        const target = resolveOurs(file, specifier)
        if (target && /\.tsx?$/.test(target)) walk(target, here)
      } else if (!specifier.startsWith('node:') && !packages.has(specifier)) packages.set(specifier, here)
    }
  }
  walk(path.join(root, entry), [])
  return packages
}

describe('start-up imports', () => {
  for (const entry of ['src-main/cli/run.ts', 'src-main/electron/main.ts']) {
    it(`${entry} loads no SDK that is only needed on first use`, () => {
      const eager = [...startupPackages(entry)].filter(([name]) => LOADED_ON_FIRST_USE.some((lazy) => name === lazy || name.startsWith(lazy.endsWith('/') ? lazy : `${lazy}/`)))
      expect(eager.map(([name, chain]) => `${name} via ${chain.join(' → ')}`)).toEqual([])
    })
  }

  it('sees through the graph: the core does load zod and pino at start-up', () => {
    const packages = startupPackages('src-main/cli/run.ts')
    expect(packages.has('zod')).toBe(true)
    expect(packages.has('pino')).toBe(true)
  })
})
