import { formatFigure, type Figure } from './report'
import { transportBench } from './transport.bench'

/** `npm run bench`: one line per figure, ratios against baselines measured in this same run. */
const quick = process.argv.includes('--quick')
const suites: [string, (quick: boolean) => Promise<Figure[]>][] = [['transport', transportBench]]

const ratios: string[] = []
for (const [name, run] of suites) {
  console.log(`# ${name}`)
  for (const figure of await run(quick)) {
    console.log(formatFigure(figure))
    if (figure.baseline) ratios.push(`${figure.short ?? figure.name} ${(figure.value / figure.baseline).toFixed(2)}x`)
  }
}
console.log(`summary: ${ratios.join('; ')}`)
