import { defineConfig } from 'vitest/config'

/**
 * For StrykerJS: the unit tests next to the code being mutated (keep these folders in step with
 * `mutate` in stryker.config.mjs). The slower cross-cutting suites under test/ stay out so a run
 * stays short; Stryker then runs just the tests that cover each mutant. Instrumented code runs
 * slower, hence the longer timeout.
 */
export default defineConfig({
  test: {
    environment: 'node',
    include: ['src-main/core/{resilience,errors,health,config,log,rpc,paths,secrets,ollama,providers,hooks,tools}/**/*.test.ts'],
    testTimeout: 30_000,
  },
})
