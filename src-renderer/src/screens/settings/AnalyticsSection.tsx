/** Opt-in usage analytics: consent, endpoint, and the events that were sent. */
export function AnalyticsSection() {
  return null
}
