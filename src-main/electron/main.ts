import { fileURLToPath } from 'node:url'
import path from 'node:path'
import { startDesktop } from './app'

void startDesktop({ mainDir: path.dirname(fileURLToPath(import.meta.url)) })
