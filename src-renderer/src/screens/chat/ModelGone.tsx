import { useEffect, useState } from 'react'
import type { RouteOutput } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { useChatPrefs } from './chat-prefs'

type Check = RouteOutput<'chat.model.check'>
const REASON = { family: 'same family', provider: 'same provider', default: 'default model' } as const

/** When the model a chat was using is no longer offered: say so, and offer the same provider's and family's models first, then the default. */
export function ModelGone({ sessionId }: { sessionId: string }) {
  const api = useApi()
  const [gone, setGone] = useState<{ model: string; check: Check } | undefined>()
  useEffect(() => {
    let live = true
    void (async () => {
      const stored = await api.call('chat.settings.get', { sessionId })
      const target = stored.ok ? stored.value.settings.target : undefined
      if (!target || !('providerId' in target)) return
      const check = await api.call('chat.model.check', { target })
      if (live && check.ok && !check.value.available) setGone({ model: `${target.model} · ${target.providerId}`, check: check.value })
    })()
    return () => {
      live = false
    }
  }, [api, sessionId])
  if (!gone) return null
  return (
    <div className="model-gone" role="status">
      <p>
        This chat used <strong>{gone.model}</strong>, which is no longer offered.
        {gone.check.alternatives.length > 0 ? ' Continue with:' : ' Pick another model below.'}
      </p>
      <div className="model-gone-choices">
        {gone.check.alternatives.map((alt) => (
          <button
            key={`${alt.providerId}/${alt.model}`}
            type="button"
            className="button secondary"
            onClick={() => {
              useChatPrefs.getState().choose({ providerId: alt.providerId, model: alt.model })
              setGone(undefined)
            }}
          >
            {alt.model} <span className="muted">({REASON[alt.reason]})</span>
          </button>
        ))}
      </div>
    </div>
  )
}
