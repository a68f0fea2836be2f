import { describe, expect, it } from 'vitest'
import { AppError } from '../errors'
import { durationBucket, platformOf, sizeBucket, tokensBucket, validateEvent } from './catalogue'

function refusal(type: string, fields: unknown): AppError {
  try {
    validateEvent(type, fields)
  } catch (error) {
    if (error instanceof AppError) return error
    throw error
  }
  throw new Error('the event was accepted')
}

describe('analytics catalogue', () => {
  it('accepts each event type with exactly its allowed fields', () => {
    expect(validateEvent('app_started', { version: '1.2.3-beta.1', platform: 'linux', mode: 'electron' })).toEqual({ type: 'app_started', fields: { version: '1.2.3-beta.1', platform: 'linux', mode: 'electron' } })
    expect(validateEvent('onboarding_completed', {}).fields).toEqual({})
    const chat = { provider_kind: 'anthropic', duration_ms_bucket: '5-15s', tokens_bucket: '1k-10k', tool_calls: 3, fell_back: true }
    expect(validateEvent('chat_completed', chat).fields).toEqual(chat)
    expect(validateEvent('model_pulled', { size_bucket: '4-10GB' }).fields).toEqual({ size_bucket: '4-10GB' })
    expect(validateEvent('update_checked', { channel: 'beta', outcome: 'failed' }).fields).toEqual({ channel: 'beta', outcome: 'failed' })
    expect(validateEvent('feature_used', { feature: 'voice_dictation' }).fields).toEqual({ feature: 'voice_dictation' })
  })

  it('refuses an unknown event type by name', () => {
    const error = refusal('prompt_sent', {})
    expect(error.code).toBe('E_VALIDATION')
    expect(error.message).toBe('There is no analytics event named "prompt_sent".')
    expect(error.issues?.[0]?.path).toBe('type')
  })

  it('refuses an extra field and names it and the allowed ones', () => {
    const error = refusal('model_pulled', { size_bucket: '<1GB', model: 'llama3:8b' })
    expect(error.code).toBe('E_VALIDATION')
    expect(error.message).toBe('The model_pulled event does not allow the field "model"; only size_bucket.')
    expect(refusal('onboarding_completed', { steps: 2 }).message).toContain('only no fields')
  })

  it('refuses free text: a prompt, a path or a key in an enum field, and a path in the version', () => {
    expect(refusal('feature_used', { feature: 'summarise my medical notes please' }).issues?.[0]?.path).toBe('feature')
    const path = refusal('feature_used', { feature: '/home/alice/.ssh/id_rsa' })
    expect(path.message).toMatch(/^The feature_used event's field "feature" .*free text is never sent\.$/)
    expect(refusal('chat_completed', { provider_kind: 'sk-live-0123456789', duration_ms_bucket: '<1s', tokens_bucket: '0', tool_calls: 0, fell_back: false }).issues?.[0]?.path).toBe('provider_kind')
    expect(refusal('app_started', { version: '../../etc/passwd', platform: 'linux', mode: 'web' }).message).toContain('must be a version number')
  })

  it('refuses a missing field, a wrong type and an out-of-range count', () => {
    expect(refusal('update_checked', { channel: 'latest' }).issues?.[0]?.path).toBe('outcome')
    expect(refusal('chat_completed', { provider_kind: 'openai', duration_ms_bucket: '<1s', tokens_bucket: '0', tool_calls: '3', fell_back: false }).issues?.[0]?.path).toBe('tool_calls')
    expect(refusal('chat_completed', { provider_kind: 'openai', duration_ms_bucket: '<1s', tokens_bucket: '0', tool_calls: 1e9, fell_back: false }).issues?.[0]?.path).toBe('tool_calls')
    expect(refusal('feature_used', null).code).toBe('E_VALIDATION')
  })

  it('puts numbers into buckets at their edges', () => {
    expect([0, 999, 1_000, 4_999, 5_000, 15_000, 59_999, 60_000, 1e9].map(durationBucket)).toEqual(['<1s', '<1s', '1-5s', '1-5s', '5-15s', '15-60s', '15-60s', '>60s', '>60s'])
    expect([0, 1, 100, 101, 1_000, 1_001, 10_000, 10_001].map(tokensBucket)).toEqual(['0', '1-100', '1-100', '101-1k', '101-1k', '1k-10k', '1k-10k', '>10k'])
    const GB = 1024 ** 3
    expect([0, GB, 4 * GB - 1, 4 * GB, 10 * GB, 30 * GB].map(sizeBucket)).toEqual(['<1GB', '1-4GB', '1-4GB', '4-10GB', '10-30GB', '>30GB'])
    expect(['darwin', 'win32', 'linux', 'freebsd'].map(platformOf)).toEqual(['darwin', 'win32', 'linux', 'other'])
  })
})
