// Closing lines of `npm test` (scripts/test.sh): each step's result in order, the 10 slowest test
// files, and one line with the real test counts. Exits 1 when a step failed or any test failed,
// even if that step's runner exited 0.
//   node scripts/test-summary.js REPORT_DIR TOTAL_SECONDS
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'

const [dir, totalSeconds] = process.argv.slice(2)
const root = process.cwd()
const readJson = (name) => {
  try {
    return JSON.parse(readFileSync(join(dir, name), 'utf8'))
  } catch {
    return undefined
  }
}

const steps = readdirSync(join(dir, 'steps'))
  .filter((name) => /^\d+$/.test(name))
  .sort((a, b) => Number(a) - Number(b))
  .map((name) => {
    const [result, seconds, title] = readFileSync(join(dir, 'steps', name), 'utf8').trimEnd().split('\t')
    return { result, seconds: Number(seconds), title }
  })

let passed = 0
let failed = 0
const files = []
for (const [name, label] of [['vitest-node24.json', 'node 24'], ['vitest-node22.json', 'node 22']]) {
  const run = readJson(name)
  if (!run) continue
  passed += run.numPassedTests
  failed += run.numFailedTests
  for (const file of run.testResults) files.push({ seconds: (file.endTime - file.startTime) / 1000, name: `${relative(root, file.name)} (${label})` })
}
const e2e = readJson('e2e.json')
if (e2e) {
  passed += e2e.passed
  failed += e2e.failed
  for (const file of e2e.files) files.push({ seconds: file.seconds, name: `${file.file} (e2e)` })
}

console.log('\n\x1b[1mSlowest test files\x1b[0m')
for (const file of files.sort((a, b) => b.seconds - a.seconds).slice(0, 10)) console.log(`  ${file.seconds.toFixed(1).padStart(6)} s  ${file.name}`)

console.log('\n\x1b[1mSummary\x1b[0m')
for (const step of steps) console.log(`  ${step.result.startsWith('skipped') ? step.result : step.result.padEnd(5)}  ${step.title} (${step.seconds} s)`)
const stepsFailed = steps.filter((step) => step.result === 'FAIL').length
if (!existsSync(join(dir, 'vitest-node24.json'))) console.log('  (no unit test report was written)')
console.log(`  wall time ${totalSeconds} s`)
// A failed step with no failed test (a type error, a lint finding) still fails the run and counts.
if (stepsFailed > 0 && failed === 0) failed = stepsFailed
console.log(`tests: ${passed} passed, ${failed} failed`)
process.exit(stepsFailed === 0 && failed === 0 ? 0 : 1)
