import { useEffect, useRef, useState } from 'react'
import type { ClusterPeerView, ClusterSendProgress, ErrorShape, StreamResult } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { formatBytes } from '../../lib/format'
import { Dialog } from './Dialog'
import { Problem } from './PairingDialogs'

type Sent = StreamResult<'cluster.sendModel'>
type Phase = { state: 'pick' } | { state: 'sending'; progress?: ClusterSendProgress } | { state: 'done'; result: Sent; progress?: ClusterSendProgress } | { state: 'failed'; error: ErrorShape; progress?: ClusterSendProgress }

/** Pick a local model and copy it to a paired peer, with progress, speed and cancel. */
export function SendModelDialog({ peer, models, onClose }: { peer: ClusterPeerView; models: Array<{ name: string; sizeBytes: number }>; onClose: () => void }) {
  const api = useApi()
  const [model, setModel] = useState(models[0]?.name ?? '')
  const [phase, setPhase] = useState<Phase>({ state: 'pick' })
  const cancel = useRef<(() => void) | undefined>(undefined)
  const onPeer = new Set(peer.capabilities?.models.map((entry) => entry.name))

  useEffect(() => () => cancel.current?.(), [])

  const send = () => {
    setPhase({ state: 'sending' })
    let last: ClusterSendProgress | undefined
    const handle = api.stream('cluster.sendModel', { model, peer: peer.id }, (progress) => {
      last = progress
      setPhase({ state: 'sending', progress })
    })
    cancel.current = () => handle.cancel()
    void handle.done.then((result) => {
      cancel.current = undefined
      setPhase(result.ok ? { state: 'done', result: result.value, ...(last ? { progress: last } : {}) } : { state: 'failed', error: result.error, ...(last ? { progress: last } : {}) })
    })
  }

  const progress = phase.state === 'pick' ? undefined : phase.progress
  const percent = progress && progress.bytesTotal > 0 ? (100 * progress.bytesDone) / progress.bytesTotal : 0
  const title = `Send a model to ${peer.name}`
  return (
    <Dialog label={title} onClose={phase.state === 'sending' ? () => undefined : onClose} wide>
      <h2>{title}</h2>
      {models.length === 0 ? (
        <p className="muted">This machine has no Ollama models to send. Pull one on the Models screen first.</p>
      ) : (
        <label className="field">
          <span>Model</span>
          <select value={model} onChange={(event) => setModel(event.target.value)} disabled={phase.state === 'sending'}>
            {models.map((entry) => (
              <option key={entry.name} value={entry.name}>
                {entry.name} — {formatBytes(entry.sizeBytes)}
                {onPeer.has(entry.name) ? ' (already there)' : ''}
              </option>
            ))}
          </select>
        </label>
      )}
      <p className="hint">Only blobs {peer.name} lacks cross the network; an interrupted copy resumes where it stopped, and every blob is checked (sha256) before Ollama sees it.</p>
      {progress && (
        <div className="send-progress">
          <div className="bar" role="progressbar" aria-label={`Sending ${progress.model}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(percent)}>
            <span style={{ width: `${Math.min(100, percent)}%` }} />
          </div>
          <p className="muted">
            {formatBytes(progress.bytesDone)} of {formatBytes(progress.bytesTotal)} · {percent.toFixed(1)}%{progress.bytesPerSecond > 0 && ` · ${formatBytes(progress.bytesPerSecond)}/s`}
            {progress.resumed && ' · resumed: part of it was already there'}
          </p>
        </div>
      )}
      {phase.state === 'sending' && !progress && <p className="muted">Connecting to {peer.name}…</p>}
      {phase.state === 'done' && (
        <p className="cluster-paired" role="status">
          Sent {phase.result.model}: {formatBytes(phase.result.bytesSent)} over the network, {phase.result.blobsSkipped} of {phase.result.blobsSent + phase.result.blobsSkipped} blobs already there.
        </p>
      )}
      {phase.state === 'failed' && <Problem error={phase.error} />}
      <div className="dialog-actions">
        {phase.state === 'sending' ? (
          <button type="button" className="button secondary" onClick={() => cancel.current?.()}>
            Cancel
          </button>
        ) : (
          <>
            <button type="button" className="button secondary" onClick={onClose}>
              {phase.state === 'done' ? 'Close' : 'Cancel'}
            </button>
            {phase.state !== 'done' && models.length > 0 && (
              <button type="button" className="button" onClick={send}>
                {phase.state === 'failed' ? 'Try again' : 'Send'}
              </button>
            )}
          </>
        )}
      </div>
    </Dialog>
  )
}
