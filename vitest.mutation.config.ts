import { defineConfig } from 'vitest/config'

/**
 * For StrykerJS: the core's own unit tests (next to the code they test). Mutants live in
 * src-main/core; the slower cross-cutting suites under test/ stay out so a run stays short.
 * Stryker runs just the tests that cover each mutant.
 */
export default defineConfig({
  test: {
    environment: 'node',
    include: ['src-main/core/**/*.test.ts'],
  },
})
