import { chatBench } from './chat.bench'
import { chatWorkspaceBench } from './chat-workspace.bench'
import { rdmaBench } from './rdma.bench'
import { formatFigure, type Figure } from './report'
import { scrollBench } from './scroll.bench'
import { sessionsBench } from './sessions.bench'
import { transportBench } from './transport.bench'

/** `npm run bench`: one line per figure, ratios against baselines measured in this same run. */
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
  ] as [string, (quick: boolean) => Promise<Figure[]>][]
).filter(([name]) => !only || only === name)

const ratios: string[] = []
for (const [name, run] of suites) {
  console.log(`# ${name}`)
  for (const figure of await run(quick)) {
    console.log(formatFigure(figure))
    if (figure.baseline) ratios.push(`${figure.short ?? figure.name} ${(figure.value / figure.baseline).toFixed(2)}x`)
  }
}
console.log(`summary: ${ratios.join('; ')}`)
