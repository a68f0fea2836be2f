import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

/**
 * Layering (VS Code style), enforced here and by test/layering.test.ts:
 *   src-shared  ← contract, imported by everyone, imports nothing of ours
 *   src-main/core ← plain Node; no electron, no adapters
 *   src-main/{electron,web,cli} ← adapters over the core
 *   src-preload ← contract only (+ electron)
 *   src-renderer ← contract only
 */
const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] })

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
    files: ['src-preload/**/*.ts'],
    rules: restrict([
      { group: ['**/src-main/**', '**/src-renderer/**', 'node:*'], message: 'The preload may import only the contract (src-shared) and electron.' },
    ]),
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: restrict([
      { group: ['electron', 'electron/*', 'node:*', '**/src-main/**', '**/src-preload/**'], message: 'The renderer reaches the app only through the contract client.' },
    ]),
  },
)
