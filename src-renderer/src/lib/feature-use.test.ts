import { describe, expect, it } from 'vitest'
import type { ApiClient } from '../../../src-shared/contract'
import { forgetFeatureUse, noteFeatureUse } from './feature-use'

function recordingApi(fail = false) {
  const calls: { route: string; input: unknown }[] = []
  const api = {
    call: async (route: string, input: unknown) => {
      calls.push({ route, input })
      if (fail) throw new Error('socket closed')
      return { ok: true, value: { recorded: true } }
    },
  } as unknown as Pick<ApiClient, 'call'>
  return { api, calls }
}

describe('noteFeatureUse', () => {
  it('tells the core once per feature per window session, with the feature name only', () => {
    const { api, calls } = recordingApi()
    noteFeatureUse(api, 'search')
    noteFeatureUse(api, 'search')
    noteFeatureUse(api, 'export')
    expect(calls).toEqual([
      { route: 'analytics.track', input: { type: 'feature_used', fields: { feature: 'search' } } },
      { route: 'analytics.track', input: { type: 'feature_used', fields: { feature: 'export' } } },
    ])
    forgetFeatureUse()
    noteFeatureUse(api, 'search')
    expect(calls).toHaveLength(3)
  })

  it('never lets a failed call reach the feature that was used', async () => {
    const { api, calls } = recordingApi(true)
    expect(() => noteFeatureUse(api, 'import')).not.toThrow()
    await Promise.resolve()
    expect(calls).toHaveLength(1)
  })
})
