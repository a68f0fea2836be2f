import { useState } from 'react'
import type { ClusterPeerView } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { ScreenHeader } from '../../components/ScreenHeader'
import { updateSettings } from '../../store/bootstrap'
import { useAppStore } from '../../store/app-store'
import '../../cluster.css'
import { PairDialog, ShowCodeDialog } from './PairingDialogs'
import { PeerCard } from './PeerCard'
import { SendModelDialog } from './SendModelDialog'
import { OffCard, ThisMachine } from './ThisMachine'
import { useCluster } from './use-cluster'

type Open = { kind: 'code' } | { kind: 'pair'; peer?: ClusterPeerView } | { kind: 'send'; peer: ClusterPeerView } | undefined

/** Peers on the LAN, the links to each with measured bandwidth, their models, pairing and model transfer. */
export function ClusterScreen() {
  const api = useApi()
  const settings = useAppStore((state) => state.settings?.cluster)
  const data = useCluster()
  const [open, setOpen] = useState<Open>()
  const status = data.status
  const setEnabled = (enabled: boolean) => void updateSettings(api, { cluster: { enabled } }).then(() => data.reload(true))
  const close = () => {
    setOpen(undefined)
    void data.reload()
  }

  return (
    <>
      <ScreenHeader
        id="cluster"
        actions={
          status?.listening && (
            <button type="button" className="button secondary" onClick={() => void data.reload(true)} disabled={data.loading}>
              Refresh
            </button>
          )
        }
      />
      {data.problem && (
        <section className="card" role="alert">
          <h2>Can’t list the machines</h2>
          <p className="muted">{data.problem.message}</p>
          {data.problem.hint && <p className="hint">{data.problem.hint}</p>}
        </section>
      )}
      {status && settings && !status.enabled && <OffCard settings={settings} onEnable={() => setEnabled(true)} />}
      {status?.enabled && !status.listening && (
        <section className="card" role="alert">
          <h2>Clustering is on but not listening</h2>
          <p className="muted">{status.error ?? (status.canListen ? 'Starting…' : 'Only the running app listens on the network.')}</p>
          {status.error && <p className="hint">Another program may use port {status.port}; change the port in the settings file or turn clustering off and on again.</p>}
          <label className="switch-row">
            <input type="checkbox" role="switch" checked onChange={() => setEnabled(false)} /> Clustering on
          </label>
        </section>
      )}
      {status?.listening && settings && (
        <>
          <ThisMachine status={status} settings={settings} onDisable={() => setEnabled(false)} onShowCode={() => setOpen({ kind: 'code' })} onPairByAddress={() => setOpen({ kind: 'pair' })} />
          <section aria-labelledby="peers-title">
            <h2 id="peers-title" className="peers-title">
              Machines on the network
            </h2>
            {data.peers.length === 0 ? (
              <p className="card muted">
                {data.loading ? 'Looking around…' : 'No other machine found yet. Turn clustering on there too, or pair by address.'}
              </p>
            ) : (
              <ul className="peers">
                {data.peers.map((peer) => (
                  <PeerCard key={peer.id} peer={peer} actions={{ pair: (p) => setOpen({ kind: 'pair', peer: p }), send: (p) => setOpen({ kind: 'send', peer: p }), changed: () => void data.reload() }} />
                ))}
              </ul>
            )}
          </section>
        </>
      )}
      {open?.kind === 'code' && <ShowCodeDialog onClose={close} fingerprint={status?.self.fingerprint ?? null} />}
      {open?.kind === 'pair' && <PairDialog {...(open.peer ? { peer: open.peer } : {})} onClose={close} onPaired={close} />}
      {open?.kind === 'send' && status && <SendModelDialog peer={open.peer} models={status.self.capabilities.models} onClose={close} />}
    </>
  )
}
