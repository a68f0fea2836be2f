import { useState } from 'react'
import type { ClusterPeerView, ErrorShape } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { isLoopbackAddress } from './cluster-format'
import { Problem } from './PairingDialogs'

/** Why the switch cannot be turned on (with the peer's own hint), or undefined when it can. */
export function chatBlocker(peer: ClusterPeerView): { reason: string; hint?: string } | undefined {
  if (peer.addresses.length === 0) return { reason: `${peer.name} is not seen on the network right now.` }
  const ollama = peer.capabilities?.ollama
  if (!peer.capabilities) return { reason: `${peer.name}’s details are not read yet.` }
  // An older Ollama Desk does not report its Ollama: turning on still probes the default port.
  if (!ollama) return undefined
  if (!ollama.reachable) return { reason: `Ollama is not running on ${peer.name}.`, hint: `Start Ollama there, then press Refresh.` }
  // On loopback (two instances on one computer) the peer's Ollama is reachable even bound to 127.0.0.1.
  if (!ollama.listensOnLan && !isLoopbackAddress(peer.addresses[0] ?? '')) {
    return { reason: `Ollama on ${peer.name} answers only that machine.`, ...(ollama.hint ? { hint: ollama.hint } : {}) }
  }
  return undefined
}

const countModels = (count: number): string => `${count} model${count === 1 ? '' : 's'}`

/** The "Use for chats" switch of a paired peer: its Ollama joins the servers this computer's chats run on. */
export function UseForChats({ peer, changed }: { peer: ClusterPeerView; changed: () => void }) {
  const api = useApi()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ErrorShape | undefined>()
  const blocker = peer.usedForChat ? undefined : chatBlocker(peer)
  const models = peer.capabilities?.models.length ?? 0

  const toggle = async (enabled: boolean) => {
    setBusy(true)
    setError(undefined)
    const result = await api.call('cluster.useForChat', { peer: peer.id, enabled })
    setBusy(false)
    if (!result.ok) setError(result.error)
    changed()
  }

  return (
    <div className="peer-chat">
      <label className="switch-row">
        <input type="checkbox" role="switch" checked={peer.usedForChat} disabled={busy || blocker !== undefined} onChange={(event) => void toggle(event.target.checked)} />
        Use for chats
      </label>
      <p className="muted" role="status">
        {busy
          ? peer.usedForChat
            ? 'Taking it out…'
            : `Asking Ollama on ${peer.name}…`
          : peer.usedForChat
            ? `Chats can run on ${peer.name}: ${countModels(models)}`
            : (blocker?.reason ?? 'Off: chats run on this computer’s Ollama only.')}
      </p>
      {blocker?.hint && <p className="hint">{blocker.hint}</p>}
      <Problem error={error} />
    </div>
  )
}

/** "May send models here": off after pairing; a paired machine's models are refused until it is on. */
export function AllowModels({ peer, changed }: { peer: ClusterPeerView; changed: () => void }) {
  const api = useApi()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ErrorShape | undefined>()
  const toggle = async (allowed: boolean) => {
    setBusy(true)
    setError(undefined)
    const result = await api.call('cluster.allowModels', { peer: peer.id, allowed })
    setBusy(false)
    if (!result.ok) setError(result.error)
    changed()
  }
  return (
    <div className="peer-chat">
      <label className="switch-row">
        <input type="checkbox" role="switch" checked={peer.maySendModels} disabled={busy} onChange={(event) => void toggle(event.target.checked)} />
        May send models here
      </label>
      <p className="muted">{peer.maySendModels ? `${peer.name} can copy models to this computer.` : `Off: models ${peer.name} sends are refused.`}</p>
      <Problem error={error} />
    </div>
  )
}
