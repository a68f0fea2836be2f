// The levels inside src-main/core, and the one check both eslint.config.js (on every edit) and
// test/layering.test.ts (on the real import graph) apply. docs/architecture.md explains each level.
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Lowest first. A folder may import folders of its own level or below, never above; within a
 * level the imports form no cycle (the layering test checks that on the whole graph). `app` and
 * `rpc` compose the core: no capability imports them.
 */
export const CORE_LEVELS = [
  { level: 'foundation', folders: ['errors', 'streaming', 'paths', 'platform', 'secrets', 'log', 'config'] },
  { level: 'observation', folders: ['telemetry', 'analytics', 'profiling'] },
  { level: 'model access', folders: ['providers', 'ollama', 'models'] },
  { level: 'resilience', folders: ['resilience', 'health'] },
  { level: 'services', folders: ['documents', 'sessions', 'knowledge', 'hooks', 'skills', 'tools', 'mcp', 'rdma'] },
  { level: 'features', folders: ['chat', 'agents', 'cluster', 'voice', 'installer', 'updates', 'diagnostics', 'doctor'] },
  { level: 'composition', folders: ['app', 'rpc'] },
]

export const CORE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src-main/core')

const COMPOSITION = new Set(CORE_LEVELS[CORE_LEVELS.length - 1].folders)
const levelOf = new Map(CORE_LEVELS.flatMap(({ folders }, index) => folders.map((folder) => [folder, index])))

/** The level index of a core folder, or undefined for a folder the table does not name. */
export const coreLevelOf = (folder) => levelOf.get(folder)

/** Tests and their fixtures may reach anywhere: they open whole cores and build fakes from internals. */
export const isCoreTestFile = (file) => /\.test\.tsx?$/.test(file) || file.split(path.sep).includes('testdata')

const describe = (folder) => `${folder}/ (${CORE_LEVELS[levelOf.get(folder)].level})`

/** A path inside the core as its segments, or undefined for a path outside it. */
function insideCore(coreRoot, file) {
  const relative = path.relative(coreRoot, file)
  return relative.startsWith('..') || path.isAbsolute(relative) ? undefined : relative.split(path.sep)
}

/** Why an import from one core folder into another breaks the levels, or undefined. */
function levelViolation(fromFolder, toFolder) {
  const unknown = [fromFolder, toFolder].find((folder) => !levelOf.has(folder))
  if (unknown) return `src-main/core/${unknown}/ has no level: add it to CORE_LEVELS in scripts/lint/core-levels.js (and docs/architecture.md)`
  if (COMPOSITION.has(toFolder) && !COMPOSITION.has(fromFolder)) {
    return `${fromFolder}/ may not import ${toFolder}/: app/ and rpc/ compose the core, capabilities never import them`
  }
  if (levelOf.get(toFolder) > levelOf.get(fromFolder)) {
    return `${describe(fromFolder)} may not import ${describe(toFolder)}: imports go down the levels, never up`
  }
  return undefined
}

/**
 * Why importing `specifier` from `fromFile` (an absolute path) breaks the core's levels, or
 * undefined when it does not. Only relative imports between two folders of src-main/core count.
 */
export function coreImportViolation(fromFile, specifier, coreRoot = CORE_ROOT) {
  const from = specifier.startsWith('.') ? insideCore(coreRoot, fromFile) : undefined
  if (!from || isCoreTestFile(from.join(path.sep))) return undefined
  const [toFolder, ...inside] = insideCore(coreRoot, path.resolve(path.dirname(fromFile), specifier)) ?? []
  if (!toFolder || toFolder === from[0]) return undefined
  const why = levelViolation(from[0], toFolder)
  if (why) return why
  const throughIndex = inside.length === 0 || (inside.length === 1 && /^index(\.ts)?$/.test(inside[0]))
  return throughIndex ? undefined : `import ${toFolder}/ through its index.ts ('${specifier.split('/').slice(0, -inside.length).join('/')}'), not a file inside it`
}
