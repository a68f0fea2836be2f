import type { ApiClient } from '../../../src-shared/contract'

/** The features the analytics catalogue knows (src-main/core/analytics/catalogue.ts). */
export type Feature = 'voice_dictation' | 'search' | 'export' | 'import' | 'cluster'

const counted = new Set<Feature>()

/**
 * Notes that a feature was used, once per window session. The core drops it unless the user
 * said yes to analytics; nothing about what was searched, dictated or exported goes with it.
 */
export function noteFeatureUse(api: Pick<ApiClient, 'call'>, feature: Feature): void {
  if (counted.has(feature)) return
  counted.add(feature)
  void api.call('analytics.track', { type: 'feature_used', fields: { feature } }).catch(() => undefined)
}

/** Tests start each window session afresh. */
export function forgetFeatureUse(): void {
  counted.clear()
}
