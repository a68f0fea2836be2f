#!/usr/bin/env node
// Security gate over Electronegativity (the Electron security linter, @doyensec/electronegativity).
//
//   node scripts/electronegativity-gate.js [--input DIR]... [--allow FILE] [--sarif FILE] [--fail-on LEVEL]
//
// Scans src-main and src-preload (or the --input directories) as ONE application, prints every
// finding with its severity, confidence and file:line, writes a SARIF report, and exits 1 when a
// finding at or above --fail-on (default: high) is not covered by the allowlist. Ends with a
// one-line summary.
//
// Why it drives Electronegativity through its documented programmatic API instead of the CLI:
//  - the CLI keeps only the LAST `-i` (its option is not repeatable), so `-i src-main -i src-preload`
//    silently scans only src-preload; scanning the two apart would raise false "missing navigation
//    limits / permission handler" global findings for whichever half lacks them. The gate copies the
//    inputs side by side into a temp dir and scans that once.
//  - its SARIF carries no severity (level is "note" when manual review is needed, else "warning"),
//    and its CSV writer races its own header; the API returns severity and confidence per finding.
//    The gate writes its own SARIF with level error/warning/note from the severity.
//  - it exits 0 with findings, and on a machine without network it crashes AFTER the scan on a
//    stray retry timer of its translation download (got + p-cancelable); that one error is ignored.
// AvailableSecurityFixesGlobalCheck is skipped: it downloads Electron's release list and only
// reports on a package.json inside the scanned input, which src-main/src-preload do not have
// (dependency freshness is `npm run audit:prod`'s job). Test files (*.test.*, *.spec.*, __tests__,
// __mocks__) are not scanned: they do not ship, and security tests feed the code insecure options on
// purpose.
//
// Allowlist: .electronegativity-allow.json at the repo root (or --allow FILE), a JSON array of
//   { "rule": "AUXCLICK_JS_CHECK", "file": "src-main/electron/window.ts", "reason": "why it is safe" }
// with an optional "line". `file` is a repo-relative path, may use * and ** globs, and is "<global>"
// for application-wide checks that have no file. Every entry needs a non-empty reason. Allowed
// findings are still printed, marked as allowed, and are recorded as suppressed in the SARIF.
// Entries that match nothing are reported so the list does not rot.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)

const SEVERITIES = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH']
const SARIF_LEVEL = { HIGH: 'error', MEDIUM: 'warning', LOW: 'note', INFORMATIONAL: 'note' }
const SKIPPED_CHECKS = ['AvailableSecurityFixesGlobalCheck']
const GLOBAL_FILE = '<global>'
const PARSE_RULE = 'PARSE_ERROR'

const isTestPath = (name) => /\.(test|spec)\.[cm]?[jt]sx?$/.test(name) || name === '__tests__' || name === '__mocks__' || name === 'node_modules'

function usage(message) {
  if (message) console.error(`electronegativity-gate: ${message}`)
  console.error('usage: node scripts/electronegativity-gate.js [--input DIR]... [--allow FILE] [--sarif FILE] [--fail-on high|medium|low|informational]')
  process.exit(2)
}

function parseOptions() {
  let parsed
  try {
    parsed = parseArgs({
      options: {
        input: { type: 'string', short: 'i', multiple: true },
        allow: { type: 'string' },
        sarif: { type: 'string', short: 'o' },
        'fail-on': { type: 'string', default: 'high' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (error) {
    usage(error.message)
  }
  const { values } = parsed
  if (values.help) usage()
  const failOn = values['fail-on'].toUpperCase()
  if (!SEVERITIES.includes(failOn)) usage(`unknown --fail-on level "${values['fail-on']}"`)
  return {
    inputs: values.input?.length ? values.input : ['src-main', 'src-preload'],
    allowFile: resolve(root, values.allow ?? '.electronegativity-allow.json'),
    allowFileGiven: values.allow !== undefined,
    sarifFile: values.sarif ? resolve(values.sarif) : undefined,
    failOn,
  }
}

/** Converts a repo-relative glob (`*` within a segment, `**` across segments) to a RegExp. */
function globToRegExp(glob) {
  let out = ''
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]
    if (c === '*' && glob[i + 1] === '*') {
      out += glob[i + 2] === '/' ? '(?:.*/)?' : '.*'
      i += glob[i + 2] === '/' ? 2 : 1
    } else if (c === '*') out += '[^/]*'
    else out += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${out}$`)
}

/** Reads and checks the allowlist; returns entries or throws with every problem listed. */
export function loadAllowlist(file, required) {
  if (!existsSync(file)) {
    if (required) throw new Error(`allowlist ${file} does not exist`)
    return []
  }
  let data
  try {
    data = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new Error(`allowlist ${relative(root, file)} is not valid JSON: ${error.message}`, { cause: error })
  }
  if (!Array.isArray(data)) throw new Error(`allowlist ${relative(root, file)} must be a JSON array of {rule, file, reason}`)
  const problems = []
  const entries = data.map((entry, index) => {
    const where = `allowlist entry #${index + 1}`
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push(`${where} is not an object`)
      return null
    }
    for (const key of ['rule', 'file', 'reason']) {
      if (typeof entry[key] !== 'string' || entry[key].trim() === '') problems.push(`${where} needs a non-empty "${key}"`)
    }
    if (entry.line !== undefined && !(Number.isInteger(entry.line) && entry.line > 0)) problems.push(`${where}: "line" must be a positive integer`)
    const unknown = Object.keys(entry).filter((k) => !['rule', 'file', 'reason', 'line'].includes(k))
    if (unknown.length) problems.push(`${where} has unknown key(s): ${unknown.join(', ')}`)
    return { ...entry, index, pattern: typeof entry.file === 'string' ? globToRegExp(entry.file.replaceAll('\\', '/')) : null, used: 0 }
  })
  if (problems.length) throw new Error(problems.join('\n'))
  return entries
}

function copyInputs(inputs, scanDir) {
  let files = 0
  let skipped = 0
  for (const input of inputs) {
    const from = resolve(root, input)
    if (!existsSync(from) || !statSync(from).isDirectory()) throw new Error(`input ${input} is not a directory`)
    const rel = relative(root, from)
    if (rel.startsWith('..')) throw new Error(`input ${input} is outside the repository`)
    cpSync(from, join(scanDir, rel), {
      recursive: true,
      filter: (path) => {
        const name = path.split(sep).pop()
        if (isTestPath(name)) {
          skipped++
          return false
        }
        if (statSync(path).isFile() && /\.(?:[cm]?[jt]sx?|html?)$/.test(name)) files++
        return true
      },
    })
  }
  return { files, skipped }
}

/**
 * Electronegativity's translation download (got) schedules a retry after its promise has settled
 * when the network is unreachable, and p-cancelable then throws from a timer. That is the only
 * error swallowed here; anything else still crashes the gate.
 */
function ignoreStrayGotRetry() {
  process.on('uncaughtException', (error) => {
    const stray = /onCancel` handler was attached after the promise settled/.test(error?.message ?? '') && /[\\/]got[\\/]/.test(error?.stack ?? '')
    if (stray) return
    console.error(error)
    process.exit(1)
  })
}

function toFinding(issue) {
  const file = !issue.file || issue.file === 'N/A' ? GLOBAL_FILE : issue.file.split(sep).join('/')
  return {
    rule: issue.id,
    severity: issue.severity?.name ?? 'INFORMATIONAL',
    confidence: issue.confidence?.name ?? 'TENTATIVE',
    manualReview: Boolean(issue.manualReview),
    file,
    line: file === GLOBAL_FILE ? 0 : Math.max(1, issue.location?.line ?? 1),
    column: (issue.location?.column ?? 0) + 1,
    sample: typeof issue.sample === 'string' ? issue.sample.trim() : undefined,
    description: issue.description,
    url: `https://github.com/doyensec/electronegativity/wiki/${issue.id}`,
  }
}

function allowFor(finding, allowlist) {
  const entry = allowlist.find(
    (e) => e.rule.toUpperCase() === finding.rule.toUpperCase() && e.pattern.test(finding.file) && (e.line === undefined || e.line === finding.line),
  )
  if (entry) entry.used++
  return entry
}

function toSarif(findings, electronVersion, version) {
  const rules = [...new Set(findings.map((f) => f.rule))].sort()
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Electronegativity',
            version,
            informationUri: 'https://github.com/doyensec/electronegativity',
            rules: rules.map((id) => ({ id, helpUri: `https://github.com/doyensec/electronegativity/wiki/${id}`, properties: { category: 'Security' } })),
          },
        },
        properties: { electronVersion, skippedChecks: SKIPPED_CHECKS },
        results: findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: rules.indexOf(f.rule),
          level: SARIF_LEVEL[f.severity] ?? 'note',
          message: { text: f.description },
          locations:
            f.file === GLOBAL_FILE
              ? []
              : [{ physicalLocation: { artifactLocation: { uri: f.file, uriBaseId: '%SRCROOT%' }, region: { startLine: f.line, startColumn: f.column } } }],
          properties: { severity: f.severity, confidence: f.confidence, manualReview: f.manualReview },
          ...(f.allowed ? { suppressions: [{ kind: 'external', justification: f.allowed.reason }] } : {}),
        })),
      },
    ],
  }
}

async function main() {
  const options = parseOptions()
  let allowlist
  try {
    allowlist = loadAllowlist(options.allowFile, options.allowFileGiven)
  } catch (error) {
    console.error(`electronegativity-gate: ${error.message}`)
    console.log('electronegativity gate: FAIL (invalid allowlist)')
    return 1
  }

  const electronPkg = join(root, 'node_modules', 'electron', 'package.json')
  if (!existsSync(electronPkg)) {
    console.error('electronegativity-gate: node_modules/electron is missing; run npm ci first')
    return 1
  }
  const electronVersion = JSON.parse(readFileSync(electronPkg, 'utf8')).version
  const tool = JSON.parse(readFileSync(require.resolve('@doyensec/electronegativity/package.json'), 'utf8'))

  const work = mkdtempSync(join(tmpdir(), 'electronegativity-'))
  const scanDir = join(work, 'scan')
  const sarifFile = options.sarifFile ?? join(work, 'report.sarif')
  try {
    const staged = copyInputs(options.inputs, scanDir)
    ignoreStrayGotRetry()
    const { default: run } = await import('@doyensec/electronegativity')
    const result = await run(
      {
        input: scanDir,
        isRelative: true,
        electronVersionOverride: electronVersion,
        customScan: [],
        excludeFromScan: SKIPPED_CHECKS.map((c) => c.toLowerCase()),
        parserPlugins: [],
      },
      false,
    )

    const findings = result.issues.map(toFinding)
    // A file the parser could not read was not checked at all: that is a finding too.
    for (const error of result.errors.filter((e) => !e.tolerable)) {
      findings.push({
        rule: PARSE_RULE,
        severity: 'HIGH',
        confidence: 'CERTAIN',
        manualReview: true,
        file: relative(scanDir, error.file).split(sep).join('/'),
        line: 1,
        column: 1,
        description: `Electronegativity could not parse this file, so it was not checked: ${error.message}`,
        url: 'https://github.com/doyensec/electronegativity',
      })
    }
    for (const f of findings) f.allowed = allowFor(f, allowlist)

    const rank = (s) => SEVERITIES.indexOf(s)
    findings.sort((a, b) => rank(b.severity) - rank(a.severity) || a.file.localeCompare(b.file) || a.line - b.line || a.rule.localeCompare(b.rule))

    console.log(
      `Electronegativity ${tool.version}: ${options.inputs.join(' + ')} (${staged.files} files, ${staged.skipped} test paths skipped), ` +
        `Electron ${electronVersion}, ${result.globalChecks} global + ${result.atomicChecks} atomic checks`,
    )
    for (const f of findings) {
      const where = f.file === GLOBAL_FILE ? GLOBAL_FILE : `${f.file}:${f.line}:${f.column}`
      const tag = f.allowed ? ` [allowed: ${f.allowed.reason}]` : f.manualReview ? ' [review]' : ''
      console.log(`  ${f.severity.padEnd(13)} ${f.confidence.padEnd(9)} ${f.rule}  ${where}${tag}`)
      console.log(`      ${f.description}${f.sample ? `\n      > ${f.sample.slice(0, 160)}` : ''}`)
    }
    for (const entry of allowlist.filter((e) => e.used === 0)) {
      console.log(`  note: allowlist entry #${entry.index + 1} (${entry.rule} in ${entry.file}) matches no finding; remove it`)
    }

    writeFileSync(sarifFile, `${JSON.stringify(toSarif(findings, electronVersion, tool.version), null, 2)}\n`)

    const counts = Object.fromEntries(SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length]))
    const allowed = findings.filter((f) => f.allowed).length
    const blocking = findings.filter((f) => !f.allowed && rank(f.severity) >= rank(options.failOn))
    const verdict = blocking.length ? `FAIL (${blocking.length} unallowed finding(s) at ${options.failOn.toLowerCase()} or above)` : 'PASS'
    console.log(
      `electronegativity gate: ${verdict}: ${counts.HIGH} high, ${counts.MEDIUM} medium, ${counts.LOW} low, ${counts.INFORMATIONAL} informational` +
        ` (${findings.length} findings, ${allowed} allowed); SARIF: ${sarifFile}`,
    )
    return blocking.length ? 1 : 0
  } finally {
    rmSync(scanDir, { recursive: true, force: true })
    if (options.sarifFile) rmSync(work, { recursive: true, force: true })
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    // Exit explicitly: Electronegativity's HTTP clients can leave timers that keep Node alive.
    (code) => process.exit(code),
    (error) => {
      console.error(`electronegativity-gate: ${error.stack ?? error}`)
      console.log('electronegativity gate: FAIL (scanner error)')
      process.exit(1)
    },
  )
}
