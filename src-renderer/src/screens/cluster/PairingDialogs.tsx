import { useCallback, useEffect, useState, type FormEvent } from 'react'
import type { ClusterPeerView, ErrorShape } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { Dialog } from './Dialog'

function Problem({ error }: { error: ErrorShape | undefined }) {
  if (!error) return null
  return (
    <div className="cluster-problem" role="alert">
      <p>{error.message}</p>
      {error.hint && <p className="hint">{error.hint}</p>}
    </div>
  )
}

/** Type the code the other machine shows; without a peer, its address too. */
export function PairDialog({ peer, onClose, onPaired }: { peer?: ClusterPeerView; onClose: () => void; onPaired: (peer: ClusterPeerView) => void }) {
  const api = useApi()
  const [address, setAddress] = useState('')
  const [code, setCode] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ErrorShape | undefined>()
  const digits = code.replace(/\D/g, '')

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const target = peer?.id ?? address.trim()
    if (!target) return setError({ code: 'E_VALIDATION', message: 'Enter the other machine’s address, e.g. 192.168.1.20:47811.', retryable: false })
    if (digits.length !== 6) return setError({ code: 'E_VALIDATION', message: 'The pairing code has 6 digits.', hint: 'Open the Cluster screen on the other machine and choose “Show pairing code”.', retryable: false })
    setBusy(true)
    setError(undefined)
    const result = await api.call('cluster.pair', { peer: target, code: digits })
    setBusy(false)
    if (result.ok) onPaired(result.value.peer)
    else setError(result.error)
  }

  const title = peer ? `Pair with ${peer.name}` : 'Pair with a machine'
  return (
    <Dialog label={title} onClose={onClose}>
      <form onSubmit={(event) => void submit(event)} className="cluster-form">
        <h2>{title}</h2>
        <p className="muted">On {peer ? peer.name : 'the other machine'}, open Cluster and choose <strong>Show pairing code</strong>. Type the 6 digits it shows here. The code works once and expires after two minutes.</p>
        {!peer && (
          <label className="field">
            <span>Address</span>
            <input value={address} onChange={(event) => setAddress(event.target.value)} placeholder="192.168.1.20:47811" autoComplete="off" />
          </label>
        )}
        <label className="field">
          <span>Pairing code</span>
          <input className="code-input" value={code} onChange={(event) => setCode(event.target.value)} inputMode="numeric" maxLength={7} placeholder="123456" autoComplete="one-time-code" aria-describedby="code-help" />
        </label>
        <p id="code-help" className="hint">After pairing, every connection between the two machines is authenticated with a key only they hold.</p>
        <Problem error={error} />
        <div className="dialog-actions">
          <button type="button" className="button secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button" disabled={busy}>
            {busy ? 'Pairing…' : 'Pair'}
          </button>
        </div>
      </form>
    </Dialog>
  )
}

const grouped = (code: string): string => `${code.slice(0, 3)} ${code.slice(3)}`

/** A one-time code for the other machine's user to type, with the time it stays valid. */
export function ShowCodeDialog({ onClose, fingerprint, now = () => Date.now() }: { onClose: () => void; fingerprint?: string | null; now?: () => number }) {
  const api = useApi()
  const [shown, setShown] = useState<{ code: string; expiresAt: number } | undefined>()
  const [error, setError] = useState<ErrorShape | undefined>()
  const [paired, setPaired] = useState(false)
  const [, tick] = useState(0)

  const fresh = useCallback(async () => {
    const result = await api.call('cluster.pairing.code', {})
    if (result.ok) {
      setShown(result.value)
      setError(undefined)
    } else setError(result.error)
  }, [api])

  useEffect(() => {
    void fresh()
    const off = api.on('cluster.changed', ({ reason }) => reason === 'paired' && setPaired(true))
    const timer = setInterval(() => tick((n) => n + 1), 1000)
    return () => {
      off()
      clearInterval(timer)
    }
  }, [api, fresh])

  const left = shown ? Math.max(0, Math.ceil((shown.expiresAt - now()) / 1000)) : 0
  const expired = shown !== undefined && left === 0
  return (
    <Dialog label="Pairing code" onClose={onClose}>
      <h2>Pairing code</h2>
      {paired ? (
        <p className="cluster-paired" role="status">Paired. The other machine now appears in your peers list.</p>
      ) : (
        <>
          <p className="muted">On the other machine, choose <strong>Pair…</strong> next to this machine and type:</p>
          {shown && (
            <p className={`pairing-code${expired ? ' expired' : ''}`} aria-label={`Pairing code ${shown.code.split('').join(' ')}`}>
              {grouped(shown.code)}
            </p>
          )}
          {shown && (
            <p className="muted countdown" role="timer">
              {expired ? 'This code has expired.' : `Valid for ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`}
            </p>
          )}
          {fingerprint && (
            <p className="muted">
              This machine’s fingerprint is <code>{fingerprint}</code>. After pairing, the other machine lists it next to this one: check that they match.
            </p>
          )}
          <Problem error={error} />
        </>
      )}
      <div className="dialog-actions">
        {!paired && (
          <button type="button" className="button secondary" onClick={() => void fresh()}>
            New code
          </button>
        )}
        <button type="button" className="button" onClick={onClose}>
          {paired ? 'Done' : 'Close'}
        </button>
      </div>
    </Dialog>
  )
}

export { Problem }
