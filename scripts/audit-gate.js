// `npm audit --omit=dev`, failing on high or critical advisories. Where the registry's audit
// endpoint cannot be reached (some mirrors and sandboxes answer 405), it says so plainly and does
// not pretend to have checked anything: under `npm test` it writes why to $STEP_SKIP_FILE, so the
// summary reads `skipped (why)`, never `ok`.
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'

const run = spawnSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8', shell: process.platform === 'win32' })
let report
try {
  report = JSON.parse(run.stdout)
} catch {
  report = undefined
}

const unreachable = (text) => /audit endpoint returned an error|405 Method Not Allowed|ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN/.test(text)
if (!report?.metadata) {
  const why = `${run.stderr}\n${report?.message ?? ''}\n${report?.error?.summary ?? ''}`
  if (unreachable(why)) {
    console.log(`audit: NOT CHECKED: the registry audit endpoint is unreachable from this machine (${why.trim().split('\n')[0]}).`)
    console.log('audit: the same gate fails on high/critical advisories wherever the endpoint answers.')
    if (process.env.STEP_SKIP_FILE) writeFileSync(process.env.STEP_SKIP_FILE, 'the registry audit endpoint is unreachable from this machine; nothing was checked')
    process.exit(0)
  }
  console.error(`audit: npm audit failed unexpectedly:\n${why.trim()}`)
  process.exit(1)
}

const counts = report.metadata.vulnerabilities ?? {}
for (const [name, vuln] of Object.entries(report.vulnerabilities ?? {})) {
  console.log(`audit: ${vuln.severity.padEnd(8)} ${name} ${vuln.range ?? ''}`)
}
const blocking = (counts.high ?? 0) + (counts.critical ?? 0)
console.log(`audit: ${counts.total ?? 0} advisories in production dependencies (${counts.critical ?? 0} critical, ${counts.high ?? 0} high, ${counts.moderate ?? 0} moderate, ${counts.low ?? 0} low)`)
process.exit(blocking > 0 ? 1 : 0)
