import react from '@vitejs/plugin-react'
import { defineConfig } from 'vitest/config'

/**
 * No test may depend on how fast the machine is: every wait gets a ceiling far above any plausible
 * delay (waits end as soon as their condition holds), see test/support/patient-waits.ts.
 */
const patient = {
  testTimeout: 60_000,
  hookTimeout: 60_000,
  expect: { poll: { timeout: 30_000 } },
} as const
const waitsSetup = 'test/support/patient-waits.ts'

/**
 * Three projects, one per layer: core (plain Node), main (Electron glue with `electron` mocked,
 * plus the web companion and CLI adapters), renderer (happy-dom + Testing Library).
 */
export default defineConfig({
  test: {
    // Most test files wait on child processes, sockets and servers rather than the CPU, so more
    // files run at once than there are cores (vitest's default here would be one at a time).
    maxWorkers: 3,
    projects: [
      {
        test: {
          name: 'core',
          environment: 'node',
          ...patient,
          setupFiles: [waitsSetup],
          include: ['src-main/core/**/*.test.ts', 'src-shared/**/*.test.ts', 'test/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'main',
          environment: 'node',
          ...patient,
          setupFiles: [waitsSetup],
          include: ['src-main/{electron,web,cli}/**/*.test.ts', 'src-preload/**/*.test.ts'],
          server: { deps: { inline: ['electron-store'] } },
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'renderer',
          environment: 'happy-dom',
          include: ['src-renderer/**/*.test.{ts,tsx}'],
          ...patient,
          setupFiles: [waitsSetup, 'src-renderer/test/setup.ts'],
        },
      },
    ],
    coverage: {
      provider: 'v8',
      include: ['src-main/**/*.{ts,tsx}', 'src-preload/**/*.ts', 'src-renderer/src/**/*.{ts,tsx}', 'src-shared/**/*.ts'],
      // Entry points only wire real processes together (they run under Electron or as the bin);
      // everything they call is tested directly.
      exclude: ['**/*.test.{ts,tsx}', '**/*.d.ts', '**/testdata/**', 'src-main/electron/main.ts', 'src-main/cli/main.ts', 'src-preload/index.ts', 'src-renderer/src/main.tsx', '**/index.ts'],
      reporter: ['text-summary', 'json-summary', 'html'],
      reportsDirectory: 'coverage',
      thresholds: { lines: 80, branches: 80, functions: 80, statements: 80 },
    },
  },
})
