import { z } from 'zod'
import { describe, expect, it } from 'vitest'
import { ErrorShapeSchema } from '../../../src-shared/contract'
import {
  AppError,
  CancelledError,
  ConfigError,
  IoError,
  NetworkError,
  PayloadTooLargeError,
  TimeoutError,
  UnknownRouteError,
  ValidationError,
  issuesOf,
  parseOrThrow,
  toAppError,
} from '.'

describe('AppError', () => {
  it('serialises to a contract error shape without cause or stack', () => {
    const error = new AppError('E_IO', 'Disk full.', { hint: 'Free some space.', cause: new Error('ENOSPC /secret/path') })
    const shape = error.toShape()
    expect(shape).toEqual({ code: 'E_IO', message: 'Disk full.', hint: 'Free some space.', retryable: false })
    expect(ErrorShapeSchema.parse(shape)).toEqual(shape)
    expect(JSON.stringify(shape)).not.toContain('secret')
    expect(error.cause).toBeInstanceOf(Error)
    expect(error.name).toBe('AppError')
    expect(new AppError('E_IO', 'x').cause).toBeUndefined()
  })

  it('subclasses carry their code, retryability and name', () => {
    const cases: [AppError, string, boolean][] = [
      [new ValidationError('bad', [{ path: 'a', message: 'm' }], 'fix it'), 'E_VALIDATION', false],
      [new PayloadTooLargeError(10, 5), 'E_PAYLOAD_TOO_LARGE', false],
      [new UnknownRouteError('x'.repeat(500)), 'E_UNKNOWN_ROUTE', false],
      [new CancelledError(), 'E_CANCELLED', false],
      [new NetworkError('down'), 'E_NETWORK', true],
      [new NetworkError('down', { retryable: false }), 'E_NETWORK', false],
      [new TimeoutError('slow'), 'E_TIMEOUT', true],
      [new ConfigError('bad config'), 'E_CONFIG', false],
      [new IoError('no disk'), 'E_IO', false],
    ]
    for (const [error, code, retryable] of cases) {
      expect(error.code).toBe(code)
      expect(error.retryable).toBe(retryable)
      expect(error).toBeInstanceOf(AppError)
      expect(ErrorShapeSchema.safeParse(error.toShape()).success).toBe(true)
    }
    expect(new ValidationError('bad', [{ path: 'a', message: 'm' }]).toShape().issues).toEqual([{ path: 'a', message: 'm' }])
    expect(new PayloadTooLargeError(10, 5).message).toContain('10')
    expect(new UnknownRouteError('x'.repeat(500)).message.length).toBeLessThan(200)
    expect(new CancelledError().message).toBe('Cancelled.')
    expect(new TimeoutError('slow').name).toBe('TimeoutError')
  })

  it('toAppError keeps AppErrors, maps AbortError, and hides anything else behind E_INTERNAL', () => {
    const own = new ConfigError('x')
    expect(toAppError(own)).toBe(own)
    const abort = new Error('aborted')
    abort.name = 'AbortError'
    expect(toAppError(abort).code).toBe('E_CANCELLED')
    const internal = toAppError(new TypeError('undefined is not a function at /home/me/x.js'))
    expect(internal.code).toBe('E_INTERNAL')
    expect(internal.message).not.toContain('/home/me')
    expect(internal.hint).toBeTruthy()
    expect(toAppError('a string').code).toBe('E_INTERNAL')
  })
})

describe('zod helpers', () => {
  const schema = z.object({ a: z.object({ b: z.number() }), c: z.string() }).strict()

  it('issuesOf flattens paths and caps the list', () => {
    const parsed = schema.safeParse({ a: { b: 'x' }, c: 1 })
    expect(parsed.success).toBe(false)
    if (!parsed.success) {
      const issues = issuesOf(parsed.error)
      expect(issues.map((issue) => issue.path)).toEqual(['a.b', 'c'])
    }
    const many = z.array(z.number()).safeParse(Array.from({ length: 50 }, () => 'x'))
    if (!many.success) expect(issuesOf(many.error)).toHaveLength(20)
    const root = z.number().safeParse('x')
    if (!root.success) expect(issuesOf(root.error)[0]?.path).toBe('(root)')
  })

  it('parseOrThrow returns data or throws a ValidationError naming the first field', () => {
    expect(parseOrThrow(schema, { a: { b: 1 }, c: 'x' }, 'thing')).toEqual({ a: { b: 1 }, c: 'x' })
    try {
      parseOrThrow(schema, { a: { b: 'no' }, c: 'x' }, 'thing')
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError)
      expect((error as ValidationError).message).toMatch(/^Invalid thing at "a\.b": /)
      expect((error as ValidationError).issues?.[0]?.path).toBe('a.b')
    }
    expect(() => parseOrThrow(z.number(), 'x', 'count')).toThrow(/^Invalid count: /)
  })
})
