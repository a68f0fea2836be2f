import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { escapeHtml } from './export-text'
import { useEngines, useTempDirs } from './testdata/helpers'
import { ZipWriter } from './zip'

/** A tiny ZIP reader for the test: central directory → local headers → inflate → CRC check. */
function readZip(file: string): Map<string, Buffer> {
  const zip = fs.readFileSync(file)
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  expect(end).toBeGreaterThan(-1)
  const count = zip.readUInt16LE(end + 10)
  let at = zip.readUInt32LE(end + 16)
  const entries = new Map<string, Buffer>()
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50)
    const method = zip.readUInt16LE(at + 10)
    const crc = zip.readUInt32LE(at + 16)
    const compressed = zip.readUInt32LE(at + 20)
    const size = zip.readUInt32LE(at + 24)
    const nameLength = zip.readUInt16LE(at + 28)
    const local = zip.readUInt32LE(at + 42)
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8')
    expect(zip.readUInt32LE(local)).toBe(0x04034b50)
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28)
    const raw = zip.subarray(dataStart, dataStart + compressed)
    const data = method === 8 ? zlib.inflateRawSync(raw) : Buffer.from(raw)
    expect(data.length).toBe(size)
    expect(zlib.crc32(data)).toBe(crc)
    entries.set(name, data)
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32)
  }
  return entries
}

const hasUnzip = (() => {
  try {
    execFileSync('unzip', ['-v'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

describe('export', () => {
  const tempDir = useTempDirs()
  const openEngine = useEngines(tempDir)

  function sample() {
    const engine = openEngine({ now: () => Date.UTC(2024, 6, 4, 10, 30) })
    const session = engine.createSession({ title: 'Injection <test> & "quotes"', tags: ['security'] })
    engine.appendMessage(session.id, { role: 'user', text: 'Render this: <script>alert("pwned")</script> <img src=x onerror=alert(1)>' })
    engine.appendMessage(session.id, {
      role: 'assistant',
      text: 'Here is code:\n```js\nconsole.log(1)\n```',
      reasoning: 'Contains ``` fences ```` too',
      provider: 'ollama',
      model: 'llama3.2',
      toolCalls: [{ name: 'run', arguments: { code: '</pre><script>x</script>' } }],
      attachments: [{ name: '<evil>.png', mime: 'image/png', data: new Uint8Array([1, 2]) }],
    })
    const failed = engine.startStreamingMessage(session.id)
    engine.failStreamingMessage(failed.id, { text: 'partial' }, 'model crashed <b>')
    return { engine, session }
  }

  it('writes readable Markdown with safe code fences', () => {
    const { engine, session } = sample()
    const md = engine.exportSession(session.id, 'markdown')
    expect(md).toContain('# Injection <test> & "quotes"')
    expect(md).toContain('Tags: security')
    expect(md).toContain('### You · 2024-07-04 10:30 UTC')
    expect(md).toContain('### Assistant · 2024-07-04 10:30 UTC · ollama / llama3.2')
    expect(md).toContain('`````\nContains ``` fences ```` too\n`````') // fence longer than any run inside
    expect(md).toContain('📎 <evil>.png (image/png, 2 bytes)')
    expect(md).toContain('> ⚠ model crashed <b>')
  })

  it('writes one self-contained HTML page where message text cannot run or load anything', () => {
    const { engine, session } = sample()
    const html = engine.exportSession(session.id, 'html')
    expect(html).not.toContain('<script>')
    expect(html).not.toContain('<img')
    expect(html).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;')
    expect(html).toContain('&lt;/pre&gt;&lt;script&gt;x&lt;/script&gt;')
    expect(html).toContain('<title>Injection &lt;test&gt; &amp; &quot;quotes&quot;</title>')
    expect(html).toContain("default-src 'none'")
    // Printing (or saving as PDF) gets black on white, and no message split across pages.
    expect(html).toMatch(/@media print \{[^]*--bg: #fff[^]*break-inside: avoid-page/)
    expect(html).not.toMatch(/<[a-z][^>]*\s(src|href|on\w+)=|https?:\/\/|@import|url\(/i)
    expect(html).toContain('model crashed &lt;b&gt;')
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;')
  })

  it('rejects an unknown format and a missing session', () => {
    const { engine, session } = sample()
    expect(() => engine.exportSession(session.id, 'pdf' as never)).toThrow(expect.objectContaining({ code: 'E_VALIDATION' }))
    expect(() => engine.exportSession('018f2c1e-0000-7000-8000-000000000000', 'markdown')).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND' }))
  })

  it('exports everything outside the trash to a valid ZIP of JSON and Markdown', () => {
    const { engine, session } = sample()
    const other = engine.createSession({ title: 'Ünïcödé / names?' })
    engine.appendMessage(other.id, { role: 'user', text: 'x'.repeat(50_000) })
    const trashed = engine.createSession({ title: 'Trashed' })
    engine.softDeleteSession(trashed.id)
    const target = path.join(tempDir(), 'all.zip')
    const result = engine.exportAll(target)
    expect(result).toEqual({ path: target, sessions: 2, bytes: fs.statSync(target).size })
    const entries = readZip(target)
    const names = [...entries.keys()]
    expect(names).toHaveLength(5)
    expect(names).toContain('README.txt')
    expect(names.filter((n) => n.startsWith('json/'))).toHaveLength(2)
    expect(names.some((n) => n.startsWith('markdown/2024-07-04-unicode-names-'))).toBe(true)
    const json = [...entries].find(([name]) => name.startsWith('json/') && name.includes('injection'))![1]
    expect(JSON.parse(json.toString('utf8'))).toMatchObject({ format: 'ollama-desk.session', session: { id: session.id } })
    expect(result.bytes).toBeLessThan(50_000) // the repetitive message was deflated
    if (hasUnzip) expect(execFileSync('unzip', ['-t', target], { encoding: 'utf8' })).toMatch(/No errors detected/)
    expect(fs.readdirSync(path.dirname(target))).toEqual(['all.zip'])
  })

  it('stores incompressible entries as they are and refuses archives past the ZIP limits', () => {
    const file = path.join(tempDir(), 'small.zip')
    const zip = new ZipWriter(file, new Date(2024, 0, 1))
    zip.add('random.bin', new Uint8Array([0x8f, 0x11, 0xa0]))
    zip.add('text.txt', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')
    zip.finish()
    const entries = readZip(file)
    expect([...entries.get('random.bin')!]).toEqual([0x8f, 0x11, 0xa0])
    expect(entries.get('text.txt')!.toString()).toBe('a'.repeat(40))

    const full = new ZipWriter(path.join(tempDir(), 'full.zip'), new Date())
    ;(full as unknown as { entries: unknown[] }).entries.length = 0xffff
    expect(() => full.add('one-too-many', 'x')).toThrow(expect.objectContaining({ code: 'E_UNSUPPORTED' }))
    full.abort()
    full.abort()
  })

  it('leaves no partial file behind when an export fails', () => {
    const { engine } = sample()
    const dir = tempDir()
    fs.mkdirSync(path.join(dir, 'all.zip'))
    expect(() => engine.exportAll(path.join(dir, 'all.zip'))).toThrow()
    expect(fs.readdirSync(dir)).toEqual(['all.zip'])
  })
})
