import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { RotatingFile, SECRET_FIELDS, SecretScrubber, createLogger, redactPaths, silentLogger } from '.'

afterEach(() => {
  removeTempDirs()
  vi.restoreAllMocks()
})

function memoryLogger() {
  const lines: string[] = []
  const logger = createLogger({ sink: { write: (line) => void lines.push(line) } })
  return { ...logger, lines, text: () => lines.join('') }
}

const OPENAI = 'sk-proj-abcdefghijklmnopqrstuvwx1234'
const GOOGLE = 'AIzaSyA1234567890abcdefghijklmnopqrstuv'
const HF = 'hf_abcdefghijklmnopqrstuvwxyz'
const BEARER = 'eyJhbGciOiJIUzI1NiJ9.payload.sig'

describe('createLogger', () => {
  it('writes one JSON line per entry with level, time and message', () => {
    const { log, lines } = memoryLogger()
    log.info({ route: 'app.info' }, 'hello')
    log.debug('not at info level')
    expect(lines).toHaveLength(1)
    const entry = JSON.parse(lines[0] ?? '') as Record<string, unknown>
    expect(entry).toMatchObject({ level: 30, msg: 'hello', route: 'app.info', pid: process.pid })
    expect(typeof entry.time).toBe('string')
  })

  it.each(SECRET_FIELDS)('redacts the field %s at any depth pino can address', (field) => {
    const { log, text } = memoryLogger()
    const value = `value-of-${field}-0123456789`
    log.info({ [field]: value, nested: { [field]: value, deeper: { [field]: value } } }, 'fields')
    expect(text()).not.toContain(value)
    expect(text()).toContain('[redacted]')
  })

  it('scrubs key shapes, Bearer tokens and ?token= out of messages and values', () => {
    const { log, text } = memoryLogger()
    log.info(`calling with ${OPENAI}`)
    log.warn({ header: `Bearer ${BEARER}`, url: `http://127.0.0.1:1/?token=abc123secret&x=1` }, `google ${GOOGLE} and ${HF}`)
    log.error({ err: new Error(`failed with key ${OPENAI}`) }, 'boom')
    const out = text()
    for (const secret of [OPENAI, GOOGLE, HF, BEARER, 'abc123secret']) expect(out).not.toContain(secret)
    expect(out).toContain('Bearer [redacted]')
    expect(out).toContain('?token=[redacted]&x=1')
  })

  it('scrubs registered secret values wherever they appear, but not very short ones', () => {
    const { log, scrubber, text } = memoryLogger()
    scrubber.register('hunter2-is-my-password')
    scrubber.register('short')
    log.info({ note: 'the hunter2-is-my-password value' }, 'also hunter2-is-my-password here, short stays')
    expect(text()).not.toContain('hunter2-is-my-password')
    expect(text()).toContain('short stays')
  })

  it('echoes scrubbed lines to stderr when asked', () => {
    const writes: string[] = []
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk))
      return true
    })
    const lines: string[] = []
    const { log } = createLogger({ sink: { write: (line) => void lines.push(line) }, echo: true })
    log.info(`key ${OPENAI}`)
    expect(writes).toHaveLength(1)
    expect(writes[0]).toBe(lines[0])
    expect(writes[0]).not.toContain(OPENAI)
  })

  it('writes to a rotating file in the data dir when no sink is given, and honours the level', () => {
    const dir = makeTempDir()
    const file = path.join(dir, 'logs', 'app.log')
    const logger = createLogger({ file, level: 'warn' })
    logger.log.info('quiet')
    logger.log.warn(`loud ${OPENAI}`)
    logger.close()
    const content = fs.readFileSync(file, 'utf8')
    expect(content).toContain('loud')
    expect(content).not.toContain('quiet')
    expect(content).not.toContain(OPENAI)
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
  })

  it('works with neither sink nor file, and silentLogger says nothing', () => {
    const logger = createLogger({})
    expect(() => logger.log.info('into the void')).not.toThrow()
    logger.close()
    expect(silentLogger().level).toBe('silent')
  })

  it('redactPaths cover three levels for each field', () => {
    expect(redactPaths).toContain('apiKey')
    expect(redactPaths).toContain('*.token')
    expect(redactPaths).toContain('*.*.password')
  })
})

describe('SecretScrubber', () => {
  it('replaces every occurrence and keeps prefixes', () => {
    const scrubber = new SecretScrubber()
    scrubber.register('abcdefgh12345678')
    expect(scrubber.scrub('x abcdefgh12345678 y abcdefgh12345678')).toBe('x [redacted] y [redacted]')
    expect(scrubber.scrub('Authorization: bearer abcdefghijk')).toBe('Authorization: bearer [redacted]')
    expect(scrubber.scrub('nothing to see')).toBe('nothing to see')
  })
})

describe('logging on a full disk (issue 19.1)', () => {
  afterEach(() => vi.restoreAllMocks())

  it('never throws: lines are dropped, the loss is reported once, and counted in the file once writes work again', () => {
    const file = path.join(makeTempDir(), 'logs', 'app.log')
    const troubles: unknown[] = []
    const rotating = new RotatingFile({ file, onTrouble: (error) => troubles.push(error) })
    rotating.write('{"msg":"before"}\n')
    const realWrite = fs.writeSync
    const full = vi.spyOn(fs, 'writeSync').mockImplementation(() => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
    })
    expect(() => {
      for (let i = 0; i < 5; i++) rotating.write(`{"msg":"lost ${i}"}\n`)
    }).not.toThrow()
    expect(rotating.droppedLines).toBe(5)
    expect(troubles).toHaveLength(1)
    full.mockImplementation(realWrite as never)
    rotating.write('{"msg":"after"}\n')
    rotating.close()
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { msg: string })
    expect(lines.map((line) => line.msg)).toEqual(['before', '5 log lines were lost (ENOSPC)', 'after'])
  })

  it('a logger whose file cannot be written keeps answering, error paths included', () => {
    const file = path.join(makeTempDir(), 'app.log')
    const logger = createLogger({ file })
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    vi.spyOn(fs, 'writeSync').mockImplementation(() => {
      throw Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' })
    })
    expect(() => {
      logger.log.error({ err: new Error('the request failed') }, 'chat.send failed')
      logger.log.info('and again')
    }).not.toThrow()
    expect(stderr.mock.calls.filter(([text]) => String(text).includes('log lines are dropped'))).toHaveLength(1)
    vi.restoreAllMocks()
    logger.close()
  })
})

describe('RotatingFile', () => {
  it('rotates at maxBytes and keeps N old files', () => {
    const dir = makeTempDir()
    const file = path.join(dir, 'app.log')
    const rotating = new RotatingFile({ file, maxBytes: 100, keep: 2 })
    const line = (n: number) => `${String(n).padStart(3, '0')}${'.'.repeat(35)}\n` // 39 bytes
    for (let n = 0; n < 12; n++) rotating.write(line(n))
    rotating.close()
    expect(fs.readdirSync(dir).sort()).toEqual(['app.log', 'app.log.1', 'app.log.2'])
    for (const name of ['app.log', 'app.log.1', 'app.log.2']) {
      expect(fs.statSync(path.join(dir, name)).size).toBeLessThanOrEqual(100)
    }
    // Two lines per file (78 bytes; a third would pass 100): newest in app.log, oldest kept in .2.
    expect(fs.readFileSync(file, 'utf8')).toBe(line(10) + line(11))
    expect(fs.readFileSync(`${file}.1`, 'utf8')).toBe(line(8) + line(9))
    expect(fs.readFileSync(`${file}.2`, 'utf8')).toBe(line(6) + line(7))
  })

  it('appends to an existing file, counting its size, and never splits an oversize first line', () => {
    const dir = makeTempDir()
    const file = path.join(dir, 'app.log')
    fs.writeFileSync(file, 'x'.repeat(90))
    const rotating = new RotatingFile({ file, maxBytes: 100 })
    rotating.write('y'.repeat(20))
    rotating.write('z'.repeat(500))
    rotating.write('w')
    rotating.close()
    // Default keep is 3: every write that would cross the limit starts a new file.
    expect(fs.readFileSync(`${file}.3`, 'utf8')).toBe('x'.repeat(90))
    expect(fs.readFileSync(`${file}.2`, 'utf8')).toBe('y'.repeat(20))
    expect(fs.readFileSync(`${file}.1`, 'utf8')).toBe('z'.repeat(500))
    expect(fs.readFileSync(file, 'utf8')).toBe('w')
  })

  it('close is idempotent and later writes are dropped instead of throwing', () => {
    const dir = makeTempDir()
    const file = path.join(dir, 'app.log')
    const rotating = new RotatingFile({ file })
    rotating.write('before\n')
    rotating.close()
    expect(() => rotating.close()).not.toThrow()
    expect(() => rotating.write('after\n')).not.toThrow()
    expect(fs.readFileSync(file, 'utf8')).toBe('before\n')
    const logger = createLogger({ file: path.join(dir, 'core.log') })
    logger.close()
    expect(() => logger.log.error('late line during shutdown')).not.toThrow()
    expect(() => logger.close()).not.toThrow()
  })

  it('uses 5 MiB by default', () => {
    const dir = makeTempDir()
    const rotating = new RotatingFile({ file: path.join(dir, 'a', 'b.log') })
    rotating.write('hello\n')
    rotating.close()
    expect(fs.readFileSync(path.join(dir, 'a', 'b.log'), 'utf8')).toBe('hello\n')
  })
})
