// Runs the browser end-to-end tests with Node's test runner, one file at a time (or
// E2E_CONCURRENCY at a time), and times each file. The renderer must be built first
// (`npm run build`; `npm test` does it). Screenshots land in e2e/.tmp/screenshots/ (ignored);
// `npm run screenshots` writes them over the committed e2e/screenshots/ instead.
//   E2E_REPORT=FILE   also writes { passed, failed, files: [{ file, seconds, passed, failed }] } as JSON
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..')
if (!existsSync(join(root, 'out', 'renderer', 'index.html'))) {
  console.error('The renderer is not built: run `npm run build` first.')
  process.exit(1)
}
const only = process.argv.slice(2)
const files = readdirSync(here)
  .filter((name) => name.endsWith('.e2e.ts') && (only.length === 0 || only.some((o) => name.includes(o))))
  .map((name) => join(here, name))
const concurrency = Math.max(1, Number(process.env.E2E_CONCURRENCY ?? 1))

/** Runs one file in its own `node --test`; its output is printed whole when it ends, so files never interleave. */
function runFile(file) {
  const started = performance.now()
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--test', '--test-reporter=spec', file], { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    child.on('close', (code) => {
      process.stdout.write(`\n▶ ${relative(root, file)}\n${output}`)
      const count = (label) => Number(new RegExp(`ℹ ${label} (\\d+)`).exec(output)?.[1] ?? 0)
      // A file that dies before reporting still counts as a failure.
      const failed = count('fail') || (code === 0 ? 0 : 1)
      resolve({ file: relative(root, file), seconds: (performance.now() - started) / 1000, passed: count('pass'), failed })
    })
  })
}

const queue = [...files]
const results = []
await Promise.all(
  Array.from({ length: Math.min(concurrency, files.length) }, async () => {
    for (let file = queue.shift(); file; file = queue.shift()) results.push(await runFile(file))
  }),
)
const passed = results.reduce((sum, r) => sum + r.passed, 0)
const failed = results.reduce((sum, r) => sum + r.failed, 0)
if (process.env.E2E_REPORT) writeFileSync(process.env.E2E_REPORT, JSON.stringify({ passed, failed, files: results }, null, 2))
console.log(`\n${files.length} e2e files`)
console.log(`e2e: ${passed} passed, ${failed} failed`)
process.exit(failed === 0 && files.length > 0 ? 0 : 1)
