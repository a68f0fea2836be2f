// `node stamp.mjs FILE MS`: writes when it starts and ends (after MS ms) so a test can tell
// whether two hooks ran at the same time from the scripts' own clocks.
import fs from 'node:fs'

const [file, ms] = process.argv.slice(2)
const start = Date.now()
setTimeout(() => {
  fs.writeFileSync(file, JSON.stringify({ start, end: Date.now() }))
}, Number(ms))
