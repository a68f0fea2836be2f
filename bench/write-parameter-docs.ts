// Writes docs/parameters.md from the committed table: `node scripts/run-tool.js bench/write-parameter-docs.ts`.
import fs from 'node:fs'
import path from 'node:path'
import { renderParameterDocs } from '../src-main/core/providers/parameters'

const file = path.join(process.cwd(), 'docs', 'parameters.md')
fs.writeFileSync(file, renderParameterDocs())
console.log(`wrote ${file}`)
