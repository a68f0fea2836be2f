import { useState } from 'react'
import type { ClusterCapabilities, ClusterPeerView, ErrorShape } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { formatBytes } from '../../lib/format'
import { formatAgo, formatBandwidth, formatGiB, linkLabel, showAddress } from './cluster-format'
import { Problem } from './PairingDialogs'
import { AllowModels, UseForChats } from './UseForChats'

export interface PeerActions {
  pair(peer: ClusterPeerView): void
  send(peer: ClusterPeerView): void
  changed(): void
}

export function RdmaLine({ rdma }: { rdma: ClusterCapabilities['rdma'] }) {
  if (rdma.available) {
    return <>{rdma.devices.map((device) => `${device.name}${device.speedGbps ? ` (${device.speedGbps} Gbit/s)` : ''}`).join(', ')}</>
  }
  return <span className="muted">Not available{rdma.reason ? `: ${rdma.reason}` : ''}</span>
}

function Models({ models }: { models: ClusterCapabilities['models'] }) {
  if (models.length === 0) return <span className="muted">None installed</span>
  return (
    <ul className="peer-models">
      {models.map((model) => (
        <li key={model.name}>
          <code>{model.name}</code> <span className="muted">{formatBytes(model.sizeBytes)}</span>
        </li>
      ))}
    </ul>
  )
}

/** One machine: paired or not, when seen, what it has, the measured link, and what can be done with it. */
export function PeerCard({ peer, actions }: { peer: ClusterPeerView; actions: PeerActions }) {
  const api = useApi()
  const [measuring, setMeasuring] = useState(false)
  const [confirmUnpair, setConfirmUnpair] = useState(false)
  const [error, setError] = useState<ErrorShape | undefined>()
  const caps = peer.capabilities
  const summary = peer.summary
  const visible = peer.addresses.length > 0

  const measure = async () => {
    setMeasuring(true)
    setError(undefined)
    const result = await api.call('cluster.measure', { peer: peer.id })
    setMeasuring(false)
    if (!result.ok) setError(result.error)
    actions.changed()
  }
  const unpair = async () => {
    const result = await api.call('cluster.unpair', { peer: peer.id })
    setConfirmUnpair(false)
    if (!result.ok) setError(result.error)
    actions.changed()
  }

  return (
    <li className={`peer card ${peer.paired ? 'peer-paired' : 'peer-unpaired'}`} aria-label={`Peer ${peer.name}`}>
      <div className="peer-head">
        <div>
          <h3>{peer.name}</h3>
          <p className="muted">
            {visible ? showAddress(peer.addresses[0] ?? '') : 'Not seen on the network'}
            {peer.via && ` · found by ${peer.via === 'mdns' ? 'mDNS' : peer.via === 'static' ? 'address' : 'loopback'}`}
            {peer.lastSeen !== null && ` · seen ${formatAgo(peer.lastSeen)}`}
          </p>
        </div>
        <span className={`badge ${peer.paired ? 'badge-ok' : ''}`}>{peer.paired ? 'Paired' : 'Not paired'}</span>
      </div>

      <dl className="facts peer-facts">
        <dt>Memory</dt>
        <dd>{caps ? formatGiB(caps.ramBytes) : summary ? formatGiB(summary.ramGiB * 2 ** 30) : '—'}</dd>
        <dt>GPU</dt>
        <dd>{(caps ? caps.gpu : summary?.gpu) ?? <span className="muted">Unknown</span>}</dd>
        <dt>RDMA</dt>
        <dd>{caps ? <RdmaLine rdma={caps.rdma} /> : summary ? (summary.rdmaDevices > 0 ? `${summary.rdmaDevices} device(s)` : <span className="muted">None</span>) : '—'}</dd>
        <dt>Networks</dt>
        <dd>{(caps?.linkKinds ?? summary?.linkKinds ?? []).filter((kind) => kind !== 'loopback').map(linkLabel).join(', ') || <span className="muted">—</span>}</dd>
        <dt>Models</dt>
        <dd>{caps ? <Models models={caps.models} /> : summary ? `${summary.modelCount} (pair to see which)` : '—'}</dd>
        {peer.paired && (
          <>
            <dt>Link</dt>
            <dd className="peer-link">
              {peer.link ? (
                <>
                  <strong>{formatBandwidth(peer.link.bytesPerSecond)}</strong> over {linkLabel(peer.link.kind)}{' '}
                  <span className="muted">
                    (measured {formatAgo(peer.link.measuredAt)} with {formatBytes(peer.link.bytesMeasured)})
                  </span>
                </>
              ) : (
                <span className="muted">Not measured yet</span>
              )}
              <button type="button" className="button secondary small" onClick={() => void measure()} disabled={measuring || !visible}>
                {measuring ? 'Measuring…' : 'Measure'}
              </button>
            </dd>
            {peer.fingerprint && (
              <>
                <dt>Fingerprint</dt>
                <dd>
                  <code>{peer.fingerprint}</code>
                </dd>
              </>
            )}
            <dt>Models from it</dt>
            <dd>
              <AllowModels peer={peer} changed={actions.changed} />
            </dd>
            <dt>Chats</dt>
            <dd>
              <UseForChats peer={peer} changed={actions.changed} />
            </dd>
          </>
        )}
      </dl>
      {peer.addressWarning && (
        <p className="cluster-problem" role="alert">
          {peer.addressWarning}
        </p>
      )}
      {peer.error && peer.paired && <p className="hint">Could not read its details just now: {peer.error}</p>}
      <Problem error={error} />

      <div className="peer-actions">
        {peer.paired ? (
          <>
            <button type="button" className="button" onClick={() => actions.send(peer)} disabled={!visible}>
              Send model…
            </button>
            {confirmUnpair ? (
              <>
                <span className="confirm-text">Unpair {peer.name}? It will have to pair again with a new code.</span>
                <button type="button" className="button danger" onClick={() => void unpair()}>
                  Unpair
                </button>
                <button type="button" className="button secondary" onClick={() => setConfirmUnpair(false)}>
                  Keep
                </button>
              </>
            ) : (
              <button type="button" className="button secondary" onClick={() => setConfirmUnpair(true)}>
                Unpair…
              </button>
            )}
          </>
        ) : (
          <button type="button" className="button" onClick={() => actions.pair(peer)} disabled={!visible}>
            Pair…
          </button>
        )}
      </div>
    </li>
  )
}
