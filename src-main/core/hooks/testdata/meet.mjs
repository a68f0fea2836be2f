// `node meet.mjs DIR NAME PEER`: says it has started (DIR/NAME.started), then waits for PEER to say
// the same before it ends, and writes what it saw to DIR/NAME. Two hooks that run at the same time
// both see each other; hooks run one after the other cannot (the first gives up after 30 s).
// No clock decides the outcome, only the order of events.
import fs from 'node:fs'
import path from 'node:path'

const [dir, name, peer] = process.argv.slice(2)
fs.writeFileSync(path.join(dir, `${name}.started`), '')
const giveUpAt = Date.now() + 30_000
const peerStarted = () => fs.existsSync(path.join(dir, `${peer}.started`))
while (!peerStarted() && Date.now() < giveUpAt) await new Promise((resolve) => setTimeout(resolve, 20))
fs.writeFileSync(path.join(dir, name), JSON.stringify({ met: peerStarted() }))
