import { describe, expect, it, vi } from 'vitest'

// Pretend the app is two versions ahead with no step written for 1 → 2: the chain must stop.
vi.mock('../../../src-shared/contract', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../../src-shared/contract')>()),
  SETTINGS_VERSION: 2,
}))

describe('migrateSettings with a missing step', () => {
  it('returns the document unchanged and unsupported', async () => {
    const { migrateSettings } = await import('./migrate')
    expect(migrateSettings({ version: 1, a: 1 })).toEqual({ value: { version: 1, a: 1 }, from: 1, unsupported: true })
    expect(migrateSettings({ theme: 'dark' })).toEqual({ value: { theme: 'dark' }, from: 0, unsupported: true })
  })
})
