import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { DatabaseSync } from 'node:sqlite'
import { describe, expect, it } from 'vitest'
import { SessionEngine } from './engine'
import { useTempDirs } from './testdata/helpers'

const child = fileURLToPath(new URL('./testdata/crash-child.mjs', import.meta.url))

/** Runs the child until it has reported `flushes` committed stream writes, then SIGKILLs it. */
function runAndKill(dataDir: string, flushes: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--no-warnings', child, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] })
    const lines: string[] = []
    let buffer = ''
    let stderr = ''
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    proc.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString()
      const parts = buffer.split('\n')
      buffer = parts.pop()!
      lines.push(...parts)
      if (lines.filter((line) => line.startsWith('flushed ')).length >= flushes) proc.kill('SIGKILL')
    })
    proc.on('error', reject)
    proc.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(lines)
      else reject(new Error(`child exited with ${code}: ${stderr}`))
    })
  })
}

describe('crash safety', () => {
  const tempDir = useTempDirs()

  it('keeps every committed message and the flushed part of a stream after SIGKILL', async () => {
    const dataDir = tempDir()
    const lines = await runAndKill(dataDir, 12)
    const completed = lines.filter((l) => l.startsWith('complete ')).map((l) => l.slice('complete '.length))
    const streamId = lines.find((l) => l.startsWith('stream '))!.slice('stream '.length)
    const flushed = Math.max(...lines.filter((l) => l.startsWith('flushed ')).map((l) => Number(l.slice('flushed '.length))))
    expect(completed.length).toBeGreaterThanOrEqual(23) // 20 before the stream, one every third flush during it

    // Straight after the kill, as the next app start would find it (WAL not yet checkpointed).
    const raw = new DatabaseSync(`${dataDir}/sessions.db`)
    expect(raw.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' })
    const ids = new Set((raw.prepare("SELECT id FROM messages WHERE status = 'complete'").all() as { id: string }[]).map((r) => r.id))
    for (const id of completed) expect(ids.has(id), id).toBe(true)
    const stream = raw.prepare('SELECT text, status FROM messages WHERE id = ?').get(streamId) as { text: string; status: string }
    raw.close()
    expect(stream.status).toBe('streaming')
    expect(stream.text.length).toBeGreaterThanOrEqual(flushed)
    expect(stream.text).toMatch(/^tok0 tok1 tok2 /)
    const tokens = stream.text.trim().split(' ')
    expect(tokens).toEqual(tokens.map((_, i) => `tok${i}`)) // in order, nothing missing in between

    const engine = SessionEngine.open({ dataDir })
    try {
      expect(engine.search('tok1').map((h) => h.messageId)).toContain(streamId) // the index survived too
      expect(engine.recoverInterruptedMessages()).toBe(1)
      expect(engine.getMessage(streamId)).toMatchObject({ status: 'error', text: stream.text })
    } finally {
      engine.close()
    }
  })
})
