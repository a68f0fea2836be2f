// `npm run docs`: the API reference of the contract and the core's public modules, built by
// TypeDoc into docs/api/ (git-ignored) from typedoc.json. Warnings fail the build
// (treatWarningsAsErrors), so the reference never silently loses a link or a type.
//
// typedoc.json notes: `skipErrorChecking` leaves type errors to `npm run typecheck` (one owner,
// and a half-finished change elsewhere must not hide the docs' own warnings);
// `intentionallyNotExported` names the helper types that the barrels deliberately keep private,
// file by file, so a newly leaked internal type still warns.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(`npm run docs needs Node.js 22.12 or newer; this is ${process.version}. Install Node 24 LTS, or run \`npm start\` once (it fetches Node 24 into .tools/).`)
  process.exit(1)
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const typedoc = join(root, 'node_modules', 'typedoc', 'bin', 'typedoc')
if (!existsSync(typedoc)) {
  console.error('TypeDoc is not installed; run `npm install` (or `npm start` once) first.')
  process.exit(1)
}

const started = performance.now()
const run = spawnSync(process.execPath, [typedoc, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' })
const seconds = ((performance.now() - started) / 1000).toFixed(1)
if (run.status === 0) console.log(`docs: API reference in docs/api/index.html (${seconds} s, no warnings)`)
else console.error(`docs: TypeDoc failed after ${seconds} s; every warning above is an error (see typedoc.json).`)
process.exit(run.status ?? 1)
