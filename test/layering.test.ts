import fs from 'node:fs'
import { builtinModules } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ESLint } from 'eslint'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { CORE_LEVELS, CORE_ROOT, coreImportViolation, coreLevelOf, isCoreTestFile } from '../scripts/lint/core-levels.js'

/**
 * The layering rules of shared/README.md, checked on the real import graph (eslint.config.js
 * enforces the same on every edit):
 *   src-shared        imports nothing of ours, no Electron, no Node
 *   src-main/core     no Electron, no adapters (src-main/electron|web|cli), no preload/renderer
 *   src-preload       electron and src-shared only
 *   src-renderer      no src-main, no src-preload, no Electron, no Node; inside it, a screen (a folder
 *                     under src/screens/) imports no other screen, and nothing outside screens/ but
 *                     App.tsx and main.tsx imports a screen
 * and, inside src-main/core, the levels of scripts/lint/core-levels.js (docs/architecture.md):
 * imports go down the levels, across folders only through index.ts, never into app/ or rpc/ from
 * a capability, and the folders' imports form no cycle.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

const rel = (file: string) => path.relative(root, file).split(path.sep).join('/')

function listTs(dir: string): string[] {
  if (!fs.existsSync(dir)) return []
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : listTs(full)
    return /\.(ts|tsx|mts|cts)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : []
  })
}

const isTest = (file: string) => /\.test\.tsx?$/.test(file) || rel(file).startsWith('src-renderer/test/')

/** Every module specifier: static imports and re-exports (type-only too), require() and import(). */
function importsOf(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((file) => file.fileName)
}

type Target = { kind: 'ours'; path: string } | { kind: 'electron' } | { kind: 'node' } | { kind: 'package'; name: string }

function classify(specifier: string, fromFile: string): Target {
  if (specifier.startsWith('.') || specifier.startsWith('/')) {
    return { kind: 'ours', path: rel(path.resolve(path.dirname(fromFile), specifier)) }
  }
  if (specifier === 'electron' || specifier.startsWith('electron/')) return { kind: 'electron' }
  if (specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0] ?? '')) return { kind: 'node' }
  return { kind: 'package', name: specifier }
}

const under = (p: string, folder: string) => p === folder || p.startsWith(`${folder}/`)

type Rule = (target: Target, specifier: string, from: string) => string | undefined

const rules: Record<'shared' | 'core' | 'preload' | 'renderer', Rule> = {
  shared: (t) =>
    t.kind === 'electron' || t.kind === 'node'
      ? 'the contract runs everywhere: no Electron or Node APIs'
      : t.kind === 'ours' && !under(t.path, 'src-shared')
        ? 'the contract imports nothing of ours'
        : undefined,
  core: (t) => {
    if (t.kind === 'electron' || (t.kind === 'package' && t.name === 'electron-store')) return 'src-main/core never imports Electron'
    if (t.kind !== 'ours') return undefined
    for (const adapter of ['src-main/electron', 'src-main/web', 'src-main/cli', 'src-preload', 'src-renderer']) {
      if (under(t.path, adapter)) return `the core may not import ${adapter}`
    }
    return undefined
  },
  preload: (t) => {
    if (t.kind === 'electron') return undefined
    if (t.kind === 'ours' && (under(t.path, 'src-shared') || under(t.path, 'src-preload'))) return undefined
    return 'the preload may import only electron and src-shared'
  },
  renderer: (t) => {
    if (t.kind === 'electron' || t.kind === 'node') return 'the renderer may not use Electron or Node APIs'
    if (t.kind === 'ours' && (under(t.path, 'src-main') || under(t.path, 'src-preload'))) return 'the renderer reaches the app only through the contract'
    return undefined
  },
}

const screensDir = 'src-renderer/src/screens'

/** The screen a path belongs to: the first name under src/screens/ (a folder, or a stray file there). */
const screenOf = (p: string): string | undefined => (under(p, screensDir) ? p.slice(screensDir.length + 1).split('/')[0] || undefined : undefined)

/** Only the composition root puts screens together. */
const composesScreens = (from: string) => from === 'src-renderer/src/App.tsx' || from === 'src-renderer/src/main.tsx'

const rendererInner: Record<'screens' | 'shared', Rule> = {
  screens: (t, _specifier, from) => {
    const own = screenOf(from)
    const other = t.kind === 'ours' ? screenOf(t.path) : undefined
    return own && other && other !== own ? `the ${own} screen may not import the ${other} screen` : undefined
  },
  shared: (t, _specifier, from) =>
    !composesScreens(from) && screenOf(from) === undefined && t.kind === 'ours' && screenOf(t.path) !== undefined
      ? 'only App.tsx imports screens: lib, components, store and the rest import none'
      : undefined,
}

/** Violations in one source text, as `file: 'specifier' (why)`. */
function violations(source: string, file: string, rule: Rule): string[] {
  return importsOf(source).flatMap((specifier) => {
    const why = rule(classify(specifier, file), specifier, rel(file))
    return why ? [`${rel(file)}: '${specifier}' (${why})`] : []
  })
}

function scan(folder: string, rule: Rule, includeTests: boolean): { files: number; problems: string[] } {
  const files = listTs(path.join(root, folder)).filter((file) => includeTests || !isTest(file))
  return { files: files.length, problems: files.flatMap((file) => violations(fs.readFileSync(file, 'utf8'), file, rule)) }
}

/** Which core folders each core folder imports, from its non-test files. */
function coreFolderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>()
  for (const file of listTs(CORE_ROOT).filter((f) => !isCoreTestFile(path.relative(CORE_ROOT, f)))) {
    const from = path.relative(CORE_ROOT, file).split(path.sep)[0]!
    for (const specifier of importsOf(fs.readFileSync(file, 'utf8'))) {
      if (!specifier.startsWith('.')) continue
      const to = path.relative(CORE_ROOT, path.resolve(path.dirname(file), specifier)).split(path.sep)[0]!
      if (to && to !== from && !to.startsWith('..')) graph.set(from, (graph.get(from) ?? new Set()).add(to))
    }
  }
  return graph
}

/** A cycle in a folder graph, as `a -> b -> a`, or undefined. */
function findCycle(graph: Map<string, Set<string>>): string | undefined {
  const done = new Set<string>()
  const visit = (folder: string, trail: string[]): string | undefined => {
    if (trail.includes(folder)) return [...trail.slice(trail.indexOf(folder)), folder].join(' -> ')
    if (done.has(folder)) return undefined
    for (const next of graph.get(folder) ?? []) {
      const cycle = visit(next, [...trail, folder])
      if (cycle) return cycle
    }
    done.add(folder)
    return undefined
  }
  for (const folder of graph.keys()) {
    const cycle = visit(folder, [])
    if (cycle) return cycle
  }
  return undefined
}

describe('levels inside src-main/core', () => {
  it('every folder of src-main/core has exactly one level, and every level names real folders', () => {
    const folders = fs.readdirSync(CORE_ROOT, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name)
    const listed = CORE_LEVELS.flatMap((level) => level.folders)
    expect([...listed].sort()).toEqual([...folders].sort())
    expect(new Set(listed).size).toBe(listed.length)
  })

  it('imports go down the levels, through index.ts, and never from a capability into app/ or rpc/', () => {
    const files = listTs(CORE_ROOT).filter((file) => !isCoreTestFile(path.relative(CORE_ROOT, file)))
    expect(files.length).toBeGreaterThan(200)
    const problems = files.flatMap((file) =>
      importsOf(fs.readFileSync(file, 'utf8')).flatMap((specifier) => {
        const why = coreImportViolation(file, specifier)
        return why ? [`${rel(file)}: '${specifier}' (${why})`] : []
      }),
    )
    expect(problems).toEqual([])
  })

  it('the folders import each other without a cycle (so no two folders of one level lean on each other)', () => {
    const graph = coreFolderGraph()
    expect(graph.get('app')?.size).toBeGreaterThan(20)
    expect(findCycle(graph)).toBeUndefined()
  })

  describe('the level checks themselves (so the checks above cannot pass vacuously)', () => {
    const file = (relative: string) => path.join(CORE_ROOT, relative)

    it.each([
      ['providers/registry.ts', "import { createCore } from '../app'", 'never import them'],
      ['voice/engines/openai.ts', "import type { RouteHandlers } from '../../rpc'", 'never import them'],
      ['sessions/store.ts', "import { ChatService } from '../chat'", 'sessions/ (services) may not import chat/ (features)'],
      ['errors/app-error.ts', "export { log } from '../log/logger'", 'through its index.ts'],
      ['chat/candidates.ts', "import type { ProviderRegistry } from '../providers/registry'", "through its index.ts ('../providers')"],
      ['cluster/transfer/sender.ts', "import type { Transport } from '../../rdma/transport'", "through its index.ts ('../../rdma')"],
      ['telemetry/tracing.ts', "type P = import('../providers').ChatProvider", 'telemetry/ (observation) may not import providers/ (model access)'],
      ['newfolder/thing.ts', "import { AppError } from '../errors'", 'has no level'],
    ])('reports a planted wrong-way import in %s: %s', (from, source, mention) => {
      const found = importsOf(source).flatMap((specifier) => coreImportViolation(file(from), specifier) ?? [])
      expect(found).toHaveLength(1)
      expect(found[0]).toContain(mention)
    })

    it('passes downward index imports, same-folder files, the contract, packages and tests', () => {
      const clean: [string, string][] = [
        ['chat/chat-service.ts', '../providers'],
        ['voice/engines/openai.ts', '../../providers'],
        ['voice/engines/openai.ts', '../models/catalog'],
        ['app/create-core.ts', '../rpc'],
        ['health/monitor.ts', '../resilience/index'],
        ['sessions/store.ts', './engine'],
        ['sessions/store.ts', '../../../src-shared/contract'],
        ['sessions/store.ts', 'zod'],
        ['sessions/store.test.ts', '../app'],
        ['cluster/testdata/memory-peers.ts', '../../rdma/transport'],
      ]
      expect(clean.flatMap(([from, specifier]) => coreImportViolation(file(from), specifier) ?? [])).toEqual([])
      expect(coreLevelOf('errors')).toBe(0)
      expect(coreLevelOf('app')).toBe(CORE_LEVELS.length - 1)
    })

    it('finds a planted cycle between two folders of one level', () => {
      const graph = new Map([
        ['health', new Set(['resilience', 'providers'])],
        ['resilience', new Set(['health'])],
        ['providers', new Set(['errors'])],
      ])
      expect(findCycle(graph)).toBe('health -> resilience -> health')
      graph.set('resilience', new Set(['providers']))
      expect(findCycle(graph)).toBeUndefined()
    })

    it('the lint rule (eslint.config.js, core/levels) reports a planted upward import', async () => {
      const eslint = new ESLint({ cwd: root })
      const [result] = await eslint.lintText("export { ChatService } from '../chat'\n", { filePath: file('sessions/planted.ts') })
      expect(result?.messages.map((m) => m.ruleId)).toEqual(['core/levels'])
      expect(result?.messages[0]?.message).toContain('may not import chat/')
    })
  })
})

describe('layering', () => {
  it('src-main/core (tests included) never imports electron or an adapter', () => {
    const { files, problems } = scan('src-main/core', rules.core, true)
    expect(files).toBeGreaterThan(20)
    expect(problems).toEqual([])
  })

  it('src-shared imports nothing but itself and plain packages', () => {
    const { files, problems } = scan('src-shared', rules.shared, false)
    expect(files).toBeGreaterThan(5)
    expect(problems).toEqual([])
  })

  it('src-preload imports only electron and src-shared', () => {
    const { files, problems } = scan('src-preload', rules.preload, false)
    expect(files).toBeGreaterThanOrEqual(2)
    expect(problems).toEqual([])
  })

  it('src-renderer never imports src-main, src-preload, electron or node:*', () => {
    expect(scan('src-renderer', rules.renderer, false).problems).toEqual([])
  })

  it('a screen (tests included) never imports another screen', () => {
    const screens = fs.readdirSync(path.join(root, screensDir), { withFileTypes: true }).filter((entry) => entry.isDirectory())
    expect(screens.length).toBeGreaterThanOrEqual(8)
    const { files, problems } = scan(screensDir, rendererInner.screens, true)
    expect(files).toBeGreaterThan(100)
    expect(problems).toEqual([])
  })

  it('nothing in src-renderer but App.tsx and main.tsx (tests included) imports a screen', () => {
    const { files, problems } = scan('src-renderer', rendererInner.shared, true)
    expect(files).toBeGreaterThan(150)
    expect(problems).toEqual([])
  })

  it('eslint.config.js flags the same planted renderer imports (and passes the clean ones)', async () => {
    const eslint = new ESLint({ cwd: root })
    const restricted = async (file: string, source: string) => {
      const [result] = await eslint.lintText(`${source}\nexport const used = x\n`, { filePath: path.join(root, file) })
      return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message)
    }
    for (const [file, bad] of [
      ['src-renderer/src/screens/chat/Planted.tsx', "import { x } from '../agents/use-hooks'"],
      ['src-renderer/src/screens/chat/Planted.tsx', "import { x } from '../../screens/sessions/filters'"],
      ['src-renderer/src/screens/tools/mcp/Planted.tsx', "import { x } from '../../agents/use-hooks'"],
    ] as const) {
      expect(await restricted(file, bad), bad).toEqual([expect.stringContaining('A screen does not import another screen')])
    }
    for (const [file, bad] of [
      ['src-renderer/src/lib/planted.ts', "import { x } from '../screens/chat/thread'"],
      ['src-renderer/src/lib/voice/planted.ts', "import { x } from '../../screens/chat/thread'"],
      ['src-renderer/src/components/Planted.tsx', "import { x } from '../screens/agents/AgentsScreen'"],
      ['src-renderer/src/store/planted.ts', "import { x } from '../screens/models/ModelsScreen'"],
    ] as const) {
      expect(await restricted(file, bad), bad).toEqual([expect.stringContaining('import no screen')])
    }
    // The screen rules replace the renderer's rule for their files: the contract restriction must survive.
    expect(await restricted('src-renderer/src/screens/chat/Planted.tsx', "import { x } from 'node:fs'")).toEqual([expect.stringContaining('contract client')])
    expect(await restricted('src-renderer/src/store/planted.ts', "import { x } from 'electron'")).toEqual([expect.stringContaining('contract client')])
    expect(await restricted('src-renderer/src/screens/chat/Planted.tsx', "import { x } from './reply-store'\nimport { y } from '../../store/workspace-store'\nexport const z = y")).toEqual([])
    expect(await restricted('src-renderer/src/App.tsx', "import { x } from './screens/chat/ChatScreen'")).toEqual([])
  })

  describe('the scanner itself (so the checks above cannot pass vacuously)', () => {
    const coreFile = path.join(root, 'src-main/core/app/fake.ts')

    it.each([
      ["import { app } from 'electron'", "'electron'"],
      ["import type { App } from 'electron'", "'electron'"],
      ["import 'electron/main'", "'electron/main'"],
      ["const { app } = require('electron')", "'electron'"],
      ["async function f() { return import('electron') }", "'electron'"],
      ["export { x } from '../../web/server'", 'src-main/web'],
      ["import { runCli } from '../../cli/run'", 'src-main/cli'],
      ["import { wireIpc } from '../../electron/ipc'", 'src-main/electron'],
      ["import Store from 'electron-store'", 'electron-store'],
    ])('flags %s in core', (source, mention) => {
      const found = violations(source, coreFile, rules.core)
      expect(found).toHaveLength(1)
      expect(found[0]).toContain(mention.replace(/'/g, ''))
    })

    it('passes clean core code, and string or comment mentions of electron', () => {
      const clean = [
        "import fs from 'node:fs'",
        "import { z } from 'zod'",
        "import { AppError } from '../errors'",
        "import type { Settings } from '../../../src-shared/contract'",
        "// we never import 'electron' here",
        "const name = 'electron'",
      ].join('\n')
      expect(violations(clean, coreFile, rules.core)).toEqual([])
    })

    it('flags the other layers too', () => {
      const preload = path.join(root, 'src-preload/bridge.ts')
      expect(violations("import fs from 'node:fs'", preload, rules.preload)).toHaveLength(1)
      expect(violations("import { x } from '../src-main/core/app'", preload, rules.preload)).toHaveLength(1)
      expect(violations("import { z } from 'zod'", preload, rules.preload)).toHaveLength(1)
      expect(violations("import { ipcRenderer } from 'electron'\nimport { ok } from '../src-shared/contract'", preload, rules.preload)).toEqual([])
      const renderer = path.join(root, 'src-renderer/src/app.tsx')
      for (const bad of ["import 'node:path'", "import fs from 'fs'", "import { ipcRenderer } from 'electron'", "import { core } from '../../src-main/core/app'", "import type { X } from '../../src-preload/bridge'"]) {
        expect(violations(bad, renderer, rules.renderer), bad).toHaveLength(1)
      }
      expect(violations("import { useState } from 'react'\nimport { ok } from '../../src-shared/contract'", renderer, rules.renderer)).toEqual([])
      const shared = path.join(root, 'src-shared/contract/x.ts')
      expect(violations("import path from 'node:path'", shared, rules.shared)).toHaveLength(1)
      expect(violations("import { AppError } from '../../src-main/core/errors'", shared, rules.shared)).toHaveLength(1)
      expect(violations("import { z } from 'zod'", shared, rules.shared)).toEqual([])
    })

    it('flags a screen importing another screen, however the path is spelled', () => {
      const chat = path.join(root, 'src-renderer/src/screens/chat/Composer.tsx')
      const mcp = path.join(root, 'src-renderer/src/screens/tools/mcp/McpSection.tsx')
      for (const [file, bad, other] of [
        [chat, "import { useSkills } from '../agents/use-skills'", 'agents'],
        [chat, "export { x } from '../../screens/sessions/filters'", 'sessions'],
        [chat, "const m = import('../settings/SettingsScreen')", 'settings'],
        [mcp, "import { useWorkspace } from '../../agents/workspace-store'", 'agents'],
      ] as const) {
        const found = violations(bad, file, rendererInner.screens)
        expect(found, bad).toHaveLength(1)
        expect(found[0]).toContain(`may not import the ${other} screen`)
      }
      const clean = [
        "import { useReplies } from './reply-store'",
        "import { Markdown } from '../../components/Markdown'",
        "import { useWorkspace } from '../../store/workspace-store'",
        "import { useSkills } from '../../lib/use-skills'",
        "import { renderAt } from '../../../test/render'",
        "import { ModelPicker } from '../chat/ModelPicker'",
      ].join('\n')
      expect(violations(clean, chat, rendererInner.screens)).toEqual([])
      expect(violations("import { mcpStatusOf } from './status'\nimport { usePermissions } from '../use-permissions'", mcp, rendererInner.screens)).toEqual([])
    })

    it('flags lib, components and store importing a screen, and lets App.tsx do it', () => {
      for (const [from, bad] of [
        ['src-renderer/src/lib/commands.ts', "import { useOnboarding } from '../screens/onboarding/OnboardingWizard'"],
        ['src-renderer/src/lib/voice/dictation.ts', "import type { X } from '../../screens/chat/thread'"],
        ['src-renderer/src/components/CommandPalette.tsx', "import { skillCommands } from '../screens/agents/AgentsScreen'"],
        ['src-renderer/src/store/pull-store.ts', "import { usePulls } from '../screens/models/ModelsScreen'"],
      ] as const) {
        expect(violations(bad, path.join(root, from), rendererInner.shared), from).toHaveLength(1)
      }
      const app = path.join(root, 'src-renderer/src/App.tsx')
      expect(violations("import { ChatScreen } from './screens/chat/ChatScreen'", app, rendererInner.shared)).toEqual([])
      const lib = path.join(root, 'src-renderer/src/lib/commands.ts')
      expect(violations("import { screens } from '../app/screen-registry'\nimport { useOnboarding } from '../store/onboarding-store'", lib, rendererInner.shared)).toEqual([])
    })
  })
})
