// Bundles a TypeScript tool from bench/ with Vite (the same resolution as the app) and runs it in
// plain Node: `node scripts/run-tool.js bench/index.ts [args…]`.
import { spawnSync } from 'node:child_process'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
// `--build-only` bundles and prints the output file without running it (the e2e tests start
// the fake provider servers this way, as a process they can stop).
const buildOnly = process.argv[2] === '--build-only'
const [entry, ...args] = process.argv.slice(buildOnly ? 3 : 2)
if (!entry) {
  console.error('usage: node scripts/run-tool.js <bench/file.ts> [args…]')
  process.exit(2)
}
const name = basename(entry, '.ts')
const outDir = join(root, 'out', 'tools', name)
await build({
  root,
  configFile: false,
  logLevel: 'warn',
  build: { ssr: join(root, entry), outDir, emptyOutDir: true, target: 'node22', minify: false },
})
if (buildOnly) {
  console.log(join(outDir, `${name}.js`))
  process.exit(0)
}
const run = spawnSync(process.execPath, ['--disable-warning=ExperimentalWarning', join(outDir, `${name}.js`), ...args], { stdio: 'inherit' })
process.exit(run.status ?? 1)
