// Prints the last line of `npm run reliability` from vitest's JSON report: `N passed, M failed`
// (tests skipped with a reason, such as the tmpfs run where mounting is refused, are listed first).
// Exits non-zero if anything failed or vitest itself did.
//   node scripts/reliability-summary.js REPORT.json VITEST_EXIT_CODE
import { existsSync, readFileSync } from 'node:fs'

const [file, code = '0'] = process.argv.slice(2)
if (!file || !existsSync(file)) {
  console.log('0 passed, 1 failed (vitest wrote no report)')
  process.exit(1)
}
const report = JSON.parse(readFileSync(file, 'utf8'))
const tests = report.testResults.flatMap((result) => result.assertionResults.map((test) => ({ ...test, file: result.name })))
const skipped = tests.filter((test) => test.status === 'skipped' || test.status === 'pending' || test.status === 'todo')
for (const test of skipped) console.log(`skipped: ${test.fullName}`)
// A file that failed before its tests ran (an import error, a crash in a hook) counts as one failure.
const brokenFiles = report.testResults.filter((result) => result.status === 'failed' && !result.assertionResults.some((test) => test.status === 'failed')).length
const passed = tests.filter((test) => test.status === 'passed').length
const failed = tests.filter((test) => test.status === 'failed').length + brokenFiles
const vitestFailed = Number(code) !== 0 && failed === 0 ? 1 : 0
console.log(`${passed} passed, ${failed + vitestFailed} failed`)
process.exit(failed + vitestFailed === 0 ? 0 : 1)
