import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'
import { CORE_LEVELS, coreImportViolation, isCoreTestFile } from './scripts/lint/core-levels.js'

/**
 * Layering (VS Code style), enforced here and by test/layering.test.ts:
 *   src-shared  ← contract, imported by everyone, imports nothing of ours
 *   src-main/core ← plain Node; no electron, no adapters
 *   src-main/{electron,web,cli} ← adapters over the core
 *   src-preload ← contract only (+ electron)
 *   src-renderer ← contract only; inside it, a screen (a folder under screens/) imports no other
 *                  screen, and lib/, components/, store/, app/, api/, theme/ import no screen
 * Inside src-main/core, folders sit on levels (scripts/lint/core-levels.js, docs/architecture.md):
 * imports go down the levels, across folders only through the other folder's index.ts, and no
 * capability imports app/ or rpc/. The `core/levels` rule below checks each import as you type.
 */
const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] })

const rendererContract = { group: ['electron', 'electron/*', 'node:*', '**/src-main/**', '**/src-preload/**'], message: 'The renderer reaches the app only through the contract client.' }

/** Screen folders and how deep each one's files go: the rule matches relative specifiers, so it is written per depth. */
const screensDir = fileURLToPath(new URL('src-renderer/src/screens/', import.meta.url))
const depthOf = (dir) => Math.max(0, ...fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => 1 + depthOf(`${dir}/${e.name}`)))
const screenFolders = fs.existsSync(screensDir) ? fs.readdirSync(screensDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name) : []

/** A file `depth` folders below screens/<screen>/ reaches another screen as ../<other> or ../../screens/<other> (one ../ more per level). */
const otherScreens = (screen, depth) => {
  const others = screenFolders.filter((name) => name !== screen).join('|')
  return {
    regex: `^${'\\.\\./'.repeat(depth + 1)}(\\.\\./screens/)?(${others})(/|$)`,
    message: 'A screen does not import another screen: move what both use to store/, components/ or lib/.',
  }
}

/** core/levels: every module specifier a core file names (imports, re-exports, import(), import('…') types, require()) checked against the levels. */
const coreLevels = {
  rules: {
    levels: {
      meta: { type: 'problem', docs: { description: 'Imports inside src-main/core go down the levels and through index.ts' }, schema: [] },
      create(context) {
        if (isCoreTestFile(context.filename)) return {}
        const check = (source) => {
          if (source?.type !== 'Literal' || typeof source.value !== 'string') return
          const why = coreImportViolation(context.filename, source.value)
          if (why) context.report({ node: source, message: why })
        }
        return {
          ImportDeclaration: (node) => check(node.source),
          ExportNamedDeclaration: (node) => check(node.source),
          ExportAllDeclaration: (node) => check(node.source),
          ImportExpression: (node) => check(node.source),
          TSImportType: (node) => check((node.argument ?? node.parameter)?.literal),
          TSExternalModuleReference: (node) => check(node.expression),
          CallExpression: (node) => node.callee.type === 'Identifier' && node.callee.name === 'require' && check(node.arguments[0]),
        }
      },
    },
  },
}

/**
 * Complexity budget: no function may be more complex (cyclomatic `complexity`) or nest blocks
 * deeper (`max-depth`) than the worst in its part of the tree when these rules were added, so both
 * can only go down. Simplify the function named beside a limit, then lower the limit.
 */
const budget = (files, complexity, depth) => ({ files, rules: { complexity: ['error', complexity], 'max-depth': ['error', depth] } })
/** Per level of the core (scripts/lint/core-levels.js): [complexity, depth], and where each sits today. */
const coreBudgets = {
  foundation: [11, 2], // errors/error-class.ts errorClassOf; config/migrate.ts
  observation: [9, 2], // analytics/analytics.ts record; analytics/sent-log.ts
  'model access': [40, 5], // providers/openai-responses.ts streamResponses; providers/anthropic.ts
  resilience: [43, 6], // resilience/fallback.ts streamWithFallback (both)
  services: [26, 5], // hooks/outcome.ts; skills/yaml-subset.ts
  features: [50, 5], // chat/chat-service.ts sendTurn; cluster/transfer/model-store.ts
  composition: [17, 3], // rpc/connection.ts; app/ollama-autostart.ts
}
const complexityBudgets = [
  budget(['**/*.{js,mjs,cjs,ts,tsx}'], 15, 4), // scripts/electronegativity-gate.js main; bench/sessions.bench.ts, scripts/make-icons.js, scripts/mutation.js
  budget(['src-shared/**/*.ts'], 16, 2), // contract/client.ts; contract/client.ts
  budget(['src-preload/**/*.ts'], 2, 1), // bridge.ts
  budget(['src-main/{electron,web,cli}/**/*.ts'], 24, 3), // cli/ollama.ts run; cli/ollama.ts, cli/serve.ts
  budget(['src-renderer/src/**/*.{ts,tsx}'], 55, 3), // screens/chat/MessageItem.tsx ChatMessage; lib/message-text.ts, screens/sessions/
  ...CORE_LEVELS.map(({ level, folders }) => budget(folders.map((folder) => `src-main/core/${folder}/**/*.ts`), ...coreBudgets[level])),
  // Tests and their fakes, last so they win: src-renderer/test/fake-providers.ts and fake-sessions.ts; e2e/fake-ollama-api.ts and others.
  budget(['**/*.test.{ts,tsx}', '**/testdata/**', 'test/**', 'src-renderer/test/**', 'e2e/**'], 38, 3),
]

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'coverage/**', 'node_modules/**', '.tools/**', 'e2e/screenshots/**', 'native/build/**', '.stryker-tmp/**', 'reports/**', 'docs/api/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['src-shared/**/*.ts'],
    rules: restrict([
      { group: ['electron', 'electron/*', 'node:*'], message: 'The contract runs everywhere: no Node or Electron APIs.' },
      { group: ['**/src-main/**', '**/src-preload/**', '**/src-renderer/**'], message: 'The contract imports nothing of ours.' },
    ]),
  },
  {
    files: ['src-main/core/**/*.ts'],
    rules: restrict([
      { group: ['electron', 'electron/*', 'electron-store'], message: 'src-main/core never imports Electron: pass what you need in through an interface.' },
      { group: ['**/electron/**', '**/web/**', '**/cli/**', '**/src-preload/**', '**/src-renderer/**'], message: 'The core may not import adapters.' },
    ]),
  },
  {
    files: ['src-main/core/**/*.ts'],
    plugins: { core: coreLevels },
    rules: { 'core/levels': 'error' },
  },
  {
    files: ['src-preload/**/*.ts'],
    rules: restrict([
      { group: ['**/src-main/**', '**/src-renderer/**', 'node:*'], message: 'The preload may import only the contract (src-shared) and electron.' },
    ]),
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: restrict([rendererContract]),
  },
  // The blocks below replace the renderer's rule for their files, so each repeats rendererContract.
  {
    files: ['src-renderer/src/{lib,components,store,app,api,theme}/**/*.{ts,tsx}'],
    rules: restrict([rendererContract, { group: ['**/screens', '**/screens/**'], message: 'lib/, components/, store/, app/, api/ and theme/ import no screen: only App.tsx puts screens together.' }]),
  },
  ...screenFolders.flatMap((screen) =>
    Array.from({ length: depthOf(`${screensDir}${screen}`) + 1 }, (_, depth) => ({
      files: [`src-renderer/src/screens/${screen}/${'*/'.repeat(depth)}*.{ts,tsx}`],
      rules: restrict([rendererContract, otherScreens(screen, depth)]),
    })),
  ),
  ...complexityBudgets,
)
