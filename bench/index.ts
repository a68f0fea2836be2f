import path from 'node:path'
import { chatBench } from './chat.bench'
import { checkRatios, readThresholds } from './check'
import { clusterBench } from './cluster.bench'
import { chatWorkspaceBench } from './chat-workspace.bench'
import { rdmaBench } from './rdma.bench'
import { formatFigure, type Figure } from './report'
import { scrollBench } from './scroll.bench'
import { sessionsBench } from './sessions.bench'
import { startupBench } from './startup.bench'
import { transportBench } from './transport.bench'

/**
 * `npm run bench`: one line per figure, ratios against baselines measured in this same run.
 * `--only=<suite>` runs one suite, `--quick` fewer rounds, `--check` (`npm run bench:check`) compares
 * the ratios with bench/thresholds.json and exits 1 on a regression.
 */
const quick = process.argv.includes('--quick')
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length)
const suites: [string, (quick: boolean) => Promise<Figure[]>][] = (
  [
    ['transport', transportBench],
    ['sessions', sessionsBench],
    ['scroll', scrollBench],
    ['chat', chatBench],
    ['workspace', chatWorkspaceBench],
    ['rdma', rdmaBench],
    ['startup', startupBench],
    ['cluster', clusterBench],
  ] as [string, (quick: boolean) => Promise<Figure[]>][]
).filter(([name]) => !only || only === name)

const ratios: string[] = []
const measured = new Map<string, number>()
for (const [name, run] of suites) {
  console.log(`# ${name}`)
  for (const figure of await run(quick)) {
    console.log(formatFigure(figure))
    if (!figure.baseline) continue
    ratios.push(`${figure.short ?? figure.name} ${(figure.value / figure.baseline).toFixed(2)}x`)
    measured.set(figure.short ?? figure.name, figure.value / figure.baseline)
  }
}
console.log(`summary: ${ratios.join('; ')}`)
if (process.argv.includes('--check')) {
  // Bundled into out/tools/index/: the thresholds stay in the source folder.
  const { lines, ok } = checkRatios(measured, readThresholds(path.resolve(import.meta.dirname, '../../../bench/thresholds.json')))
  for (const line of lines) console.log(line)
  console.log(ok ? 'bench:check: no regression' : 'bench:check: REGRESSION (a ratio is above its committed ceiling)')
  if (!ok) process.exitCode = 1
}
