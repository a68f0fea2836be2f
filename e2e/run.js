// Runs the browser end-to-end tests with Node's test runner. The renderer must be built first
// (`npm run build`; `npm test` does it). Screenshots land in e2e/screenshots/.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
if (!existsSync(join(here, '..', 'out', 'renderer', 'index.html'))) {
  console.error('The renderer is not built: run `npm run build` first.')
  process.exit(1)
}
const files = readdirSync(here).filter((name) => name.endsWith('.e2e.ts')).map((name) => join(here, name))
const run = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files], { stdio: 'inherit' })
process.exit(run.status ?? 1)
