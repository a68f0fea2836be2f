import { describe, expect, it } from 'vitest'
import {
  ClientMessageSchema,
  ErrorShapeSchema,
  SETTINGS_VERSION,
  ServerMessageSchema,
  SettingsPatchSchema,
  SettingsSchema,
  errorCodes,
  eventNames,
  events,
  fail,
  isEventName,
  isRouteName,
  isStreamName,
  ok,
  routeNames,
  routes,
  streamNames,
  streams,
} from '.'

describe('settings schema', () => {
  it('fills every default from just a version', () => {
    const settings = SettingsSchema.parse({ version: SETTINGS_VERSION })
    expect(settings).toMatchObject({
      version: 1,
      appearance: { theme: 'system', accent: '#4f7cff' },
      ollama: { host: 'http://127.0.0.1:11434', autoStart: true },
      webCompanion: { port: 47800 },
      onboarding: { completed: false },
    })
    // Each capability's section is filled in too, so an old file parses without it.
    for (const section of ['developer', 'telemetry', 'analytics', 'updates', 'voice', 'cluster'] as const) {
      expect(settings[section], section).toBeTypeOf('object')
    }
  })

  it('rejects a wrong version, a bad accent and an out-of-range port', () => {
    expect(SettingsSchema.safeParse({ version: 2 }).success).toBe(false)
    expect(SettingsSchema.safeParse({ version: 1, appearance: { accent: 'red' } }).success).toBe(false)
    expect(SettingsSchema.safeParse({ version: 1, webCompanion: { port: 70000 } }).success).toBe(false)
  })

  it('patches are partial but strict', () => {
    expect(SettingsPatchSchema.safeParse({}).success).toBe(true)
    expect(SettingsPatchSchema.safeParse({ appearance: { theme: 'dark' } }).success).toBe(true)
    expect(SettingsPatchSchema.safeParse({ appearance: { colour: 'dark' } }).success).toBe(false)
    expect(SettingsPatchSchema.safeParse({ nope: 1 }).success).toBe(false)
    expect(SettingsPatchSchema.safeParse({ appearance: { accent: '#12345' } }).success).toBe(false)
  })

  it('display: defaults for an old file, and each bad value refused with a message naming it', () => {
    expect(SettingsSchema.parse({ version: SETTINGS_VERSION }).display).toEqual({ fontSize: 14, codeTheme: 'default', density: 'comfortable', showTokenEstimates: false })
    expect(SettingsPatchSchema.parse({ display: { fontSize: 18, codeTheme: 'plain', density: 'compact', showTokenEstimates: true } }).display).toEqual({ fontSize: 18, codeTheme: 'plain', density: 'compact', showTokenEstimates: true })
    const refusal = (display: unknown): string => {
      const result = SettingsPatchSchema.safeParse({ display })
      return result.success ? 'accepted' : result.error.issues.map((issue) => issue.message).join('; ')
    }
    expect(refusal({ fontSize: 11 })).toBe('fontSize must be 12 to 20 pixels')
    expect(refusal({ fontSize: 21 })).toBe('fontSize must be 12 to 20 pixels')
    expect(refusal({ fontSize: 14.5 })).toBe('fontSize must be a whole number of pixels')
    expect(refusal({ fontSize: '14' })).toBe('fontSize must be a number of pixels')
    expect(refusal({ codeTheme: 'solarized' })).toBe('codeTheme must be "default", "high-contrast" or "plain"')
    expect(refusal({ density: 'tiny' })).toBe('density must be "comfortable" or "compact"')
    expect(refusal({ showTokenEstimates: 'yes' })).toBe('showTokenEstimates must be true or false')
    expect(refusal({ fontsize: 14 })).toMatch(/fontsize/)
  })
})

describe('route, stream and event tables', () => {
  it('name guards accept exactly the table keys, not inherited properties', () => {
    for (const name of routeNames) expect(isRouteName(name)).toBe(true)
    for (const name of streamNames) expect(isStreamName(name)).toBe(true)
    for (const name of eventNames) expect(isEventName(name)).toBe(true)
    for (const bad of ['toString', '__proto__', 'constructor', 'app', '']) {
      expect(isRouteName(bad)).toBe(false)
      expect(isStreamName(bad)).toBe(false)
      expect(isEventName(bad)).toBe(false)
    }
    expect(routeNames).toEqual(Object.keys(routes))
    expect(streamNames).toEqual(Object.keys(streams))
    expect(eventNames).toEqual(Object.keys(events))
  })

  it('every route input refuses unknown keys', () => {
    for (const name of routeNames) {
      expect(routes[name].input.safeParse({ surplus: true }).success, name).toBe(false)
      expect(routes[name].description.length).toBeGreaterThan(10)
    }
  })

  it('shell.openExternal only takes http(s) URLs', () => {
    const input = routes['shell.openExternal'].input
    expect(input.safeParse({ url: 'https://ollama.com' }).success).toBe(true)
    expect(input.safeParse({ url: 'file:///etc/passwd' }).success).toBe(false)
    expect(input.safeParse({ url: 'javascript:alert(1)' }).success).toBe(false)
  })

  it('loopback stream defaults and limits', () => {
    const input = streams['diagnostics.loopback'].input
    expect(input.parse({ count: 3 })).toEqual({ count: 3, payloadBytes: 0, intervalMs: 0 })
    expect(input.safeParse({ count: -1 }).success).toBe(false)
    expect(input.safeParse({ count: 1, payloadBytes: 65_537 }).success).toBe(false)
  })
})

describe('wire protocol', () => {
  it('accepts the three client envelopes and nothing looser', () => {
    expect(ClientMessageSchema.safeParse({ t: 'call', id: 1, route: 'app.info', input: {} }).success).toBe(true)
    expect(ClientMessageSchema.safeParse({ t: 'stream', id: 0, route: 'x', input: null }).success).toBe(true)
    expect(ClientMessageSchema.safeParse({ t: 'cancel', id: 3 }).success).toBe(true)
    expect(ClientMessageSchema.safeParse({ t: 'call', id: -1, route: 'a', input: {} }).success).toBe(false)
    expect(ClientMessageSchema.safeParse({ t: 'call', id: 1.5, route: 'a', input: {} }).success).toBe(false)
    expect(ClientMessageSchema.safeParse({ t: 'call', id: 1, route: '', input: {} }).success).toBe(false)
    expect(ClientMessageSchema.safeParse({ t: 'call', id: 1, route: 'a'.repeat(129), input: {} }).success).toBe(false)
    expect(ClientMessageSchema.safeParse({ t: 'cancel', id: 1, extra: 1 }).success).toBe(false)
    expect(ClientMessageSchema.safeParse({ t: 'push', id: 1 }).success).toBe(false)
  })

  it('server messages carry typed errors only', () => {
    const error = { code: 'E_TIMEOUT', message: 'slow', retryable: true }
    expect(ServerMessageSchema.safeParse({ t: 'result', id: 1, result: { ok: false, error } }).success).toBe(true)
    expect(ServerMessageSchema.safeParse({ t: 'rejected', error }).success).toBe(true)
    expect(ServerMessageSchema.safeParse({ t: 'rejected', error: { ...error, code: 'E_WHATEVER' } }).success).toBe(false)
    expect(ErrorShapeSchema.safeParse({ ...error, stack: 'x' }).data).toEqual(error)
  })

  it('ok and fail build results', () => {
    expect(ok(3)).toEqual({ ok: true, value: 3 })
    const error = { code: errorCodes[0], message: 'm', retryable: false }
    expect(fail(error)).toEqual({ ok: false, error })
  })
})
