#!/usr/bin/env node
// Builds native/rdma with node-gyp when a C++ compiler, make, python3 and the Node and rdma-core
// headers exist; otherwise says why and leaves the pure-JS fallback (native/rdma/unavailable.js).
// Runs during install and `npm start`: it never fails (always exits 0).
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const addonDir = path.join(root, 'native', 'rdma')
const say = (message) => console.log(`[build-native] ${message}`)

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0
}

/** Where node.h lives for the running Node (an official tarball layout: <prefix>/include/node). */
function nodeDir() {
  const prefix = path.resolve(path.dirname(process.execPath), '..')
  if (existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))) return prefix
  if (existsSync('/usr/include/node/node_api.h')) return '/usr'
  return undefined
}

function headerDirs() {
  const dirs = ['/usr/include', '/usr/local/include', '/opt/homebrew/include']
  if (process.env.CPATH) dirs.unshift(...process.env.CPATH.split(path.delimiter))
  return dirs
}

function missingPrerequisite() {
  if (process.platform === 'win32') return 'RDMA (verbs) is not supported on Windows'
  if (process.env.OLLAMA_DESK_SKIP_NATIVE) return 'OLLAMA_DESK_SKIP_NATIVE is set'
  const compiler = process.env.CXX || (process.platform === 'darwin' ? 'clang++' : 'g++')
  if (!has(compiler) && !has('c++')) return `no C++ compiler (${compiler})`
  if (!has('make')) return 'make is missing'
  if (!has('python3')) return 'python3 (needed by node-gyp) is missing'
  if (!nodeDir()) return `the Node headers (node_api.h) are not next to ${process.execPath}`
  const found = (file) => headerDirs().some((dir) => existsSync(path.join(dir, file)))
  if (!found('infiniband/verbs.h')) return 'infiniband/verbs.h is missing (install libibverbs-dev / rdma-core)'
  if (!found('rdma/rdma_cma.h')) return 'rdma/rdma_cma.h is missing (install librdmacm-dev / rdma-core)'
  try {
    createRequire(path.join(root, 'package.json')).resolve('node-gyp/bin/node-gyp.js')
    createRequire(path.join(root, 'package.json')).resolve('node-addon-api')
  } catch {
    return 'node-gyp or node-addon-api is not installed (run npm ci)'
  }
  return undefined
}

function build() {
  const why = missingPrerequisite()
  if (why) {
    say(`skipped: ${why}. The app uses the pure-JS fallback (RDMA reports itself unavailable; TCP is used).`)
    return
  }
  const gyp = createRequire(path.join(root, 'package.json')).resolve('node-gyp/bin/node-gyp.js')
  const args = [gyp, 'rebuild', `--nodedir=${nodeDir()}`, '--jobs=2', '--loglevel=warn']
  say(`building ${path.relative(root, addonDir)} with node-gyp (Node ${process.versions.node}, headers in ${nodeDir()})`)
  const result = spawnSync(process.execPath, args, { cwd: addonDir, stdio: 'inherit' })
  const built = path.join(addonDir, 'build', 'Release', 'rdma.node')
  if (result.status === 0 && existsSync(built)) {
    say(`built ${path.relative(root, built)}`)
  } else {
    say(`node-gyp failed (exit ${result.status ?? result.signal}); the app uses the pure-JS fallback.`)
  }
}

try {
  build()
} catch (error) {
  say(`skipped after an unexpected error: ${error instanceof Error ? error.message : String(error)}`)
}
process.exit(0)
