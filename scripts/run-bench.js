// Bundles the benchmarks with Vite (same resolution as the app) and runs them in plain Node.
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const outDir = join(root, 'out', 'bench')
await build({
  root,
  configFile: false,
  logLevel: 'warn',
  build: { ssr: join(root, 'bench', 'index.ts'), outDir, emptyOutDir: true, target: 'node22', minify: false },
})
const run = spawnSync(process.execPath, [join(outDir, 'index.js'), ...process.argv.slice(2)], { stdio: 'inherit' })
process.exit(run.status ?? 1)
