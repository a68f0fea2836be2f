import { useState } from 'react'
import type { ClusterStatus, Settings } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { formatBytes } from '../../lib/format'
import { updateSettings } from '../../store/bootstrap'
import { formatGiB, linkLabel, showAddress } from './cluster-format'
import { RdmaLine } from './PeerCard'

/** Shown while clustering is off: what turning it on does, and the switch. */
export function OffCard({ settings, onEnable }: { settings: Settings['cluster']; onEnable: () => void }) {
  return (
    <section className="card cluster-off" aria-labelledby="cluster-off-title">
      <h2 id="cluster-off-title">Clustering is off</h2>
      <p>Turn it on to see the other Ollama Desk machines on your network, compare the links to them, and copy models between them.</p>
      <ul className="cluster-points">
        <li>
          This machine will listen on your local network on port <strong>{settings.port}</strong>
          {settings.discovery === 'mdns' ? ' and announce itself with mDNS (name, memory, GPU, number of models).' : '; it does not announce itself, you add peers by address.'}
        </li>
        <li>Nothing is shared until a machine pairs with a one-time code shown on this screen. After that, every connection is authenticated with the key the two machines agreed on.</li>
        <li>You can unpair a machine at any time, and turn clustering off again to stop listening.</li>
      </ul>
      <label className="switch-row">
        <input type="checkbox" role="switch" checked={false} onChange={onEnable} /> Turn clustering on
      </label>
    </section>
  )
}

/** Name, discovery and peers by address; saved to the `cluster` settings section. */
function NetworkSettings({ settings, interfaces }: { settings: Settings['cluster']; interfaces: ClusterStatus['interfaces'] }) {
  const api = useApi()
  const [name, setName] = useState(settings.name)
  const [peers, setPeers] = useState(settings.staticPeers.join('\n'))
  const save = () =>
    void updateSettings(api, {
      cluster: {
        name: name.trim(),
        staticPeers: peers
          .split(/[\s,]+/)
          .map((entry) => entry.trim())
          .filter(Boolean),
      },
    })
  return (
    <details className="cluster-settings">
      <summary>Network settings</summary>
      <label className="field">
        <span>Name shown to other machines</span>
        <input value={name} onChange={(event) => setName(event.target.value)} placeholder="(the computer’s name)" maxLength={63} />
      </label>
      <label className="field">
        <span>Listen on</span>
        <select value={settings.bind} onChange={(event) => void updateSettings(api, { cluster: { bind: event.target.value } })}>
          <option value="">Every network interface</option>
          {interfaces.map((entry) => (
            <option key={entry.name} value={entry.name}>
              {entry.name} ({entry.address})
            </option>
          ))}
          {settings.bind && !interfaces.some((entry) => entry.name === settings.bind) && <option value={settings.bind}>{settings.bind} (not found)</option>}
        </select>
      </label>
      <fieldset className="segmented" aria-label="Find machines">
        {(['mdns', 'static'] as const).map((mode) => (
          <label key={mode} className={settings.discovery === mode ? 'selected' : ''}>
            <input type="radio" name="cluster-discovery" checked={settings.discovery === mode} onChange={() => void updateSettings(api, { cluster: { discovery: mode } })} />
            {mode === 'mdns' ? 'Announce and look around (mDNS)' : 'Only by address'}
          </label>
        ))}
      </fieldset>
      <label className="field">
        <span>Machines by address (host:port, one per line)</span>
        <textarea rows={2} value={peers} onChange={(event) => setPeers(event.target.value)} placeholder="192.168.1.20:47811" />
      </label>
      <button type="button" className="button secondary" onClick={save}>
        Save
      </button>
    </details>
  )
}

/** This machine as its peers see it, with the switch and the pairing buttons. */
export function ThisMachine({ status, settings, onDisable, onShowCode, onPairByAddress }: { status: ClusterStatus; settings: Settings['cluster']; onDisable: () => void; onShowCode: () => void; onPairByAddress: () => void }) {
  const caps = status.self.capabilities
  const totalModels = caps.models.reduce((sum, model) => sum + model.sizeBytes, 0)
  return (
    <section className="card this-machine" aria-labelledby="this-machine-title">
      <div className="peer-head">
        <div>
          <h2 id="this-machine-title">{status.self.name} <span className="muted">(this machine)</span></h2>
          <p className="muted">
            {status.listening ? `Listening on ${showAddress(status.listening)}` : 'Not listening'}
            {status.discovery.state === 'unavailable' ? ' · mDNS unavailable: add peers by address' : status.discovery.mode === 'mdns' ? ' · announced with mDNS' : ' · peers by address only'}
          </p>
        </div>
        <label className="switch-row">
          <input type="checkbox" role="switch" checked onChange={onDisable} /> Clustering on
        </label>
      </div>
      {status.discovery.error && <p className="hint">{status.discovery.error}</p>}
      <dl className="facts peer-facts">
        <dt>RDMA</dt>
        <dd>
          <RdmaLine rdma={caps.rdma} />
        </dd>
        <dt>Networks</dt>
        <dd>{caps.linkKinds.filter((kind) => kind !== 'loopback').map(linkLabel).join(', ') || <span className="muted">Loopback only</span>}</dd>
        <dt>Memory</dt>
        <dd>{formatGiB(caps.ramBytes)}</dd>
        <dt>GPU</dt>
        <dd>{caps.gpu ?? <span className="muted">Unknown</span>}</dd>
        <dt>Models</dt>
        <dd>
          {caps.models.length} ({formatBytes(totalModels)})
        </dd>
        {status.self.id && (
          <>
            <dt>Identity</dt>
            <dd>
              <code>{status.self.id}</code>
            </dd>
          </>
        )}
        {status.self.fingerprint && (
          <>
            <dt>Fingerprint</dt>
            <dd>
              <code>{status.self.fingerprint}</code>
            </dd>
          </>
        )}
      </dl>
      <div className="peer-actions">
        <button type="button" className="button" onClick={onShowCode}>
          Show pairing code
        </button>
        <button type="button" className="button secondary" onClick={onPairByAddress}>
          Pair by address…
        </button>
      </div>
      <NetworkSettings key={`${settings.name}|${settings.staticPeers.join(',')}`} settings={settings} interfaces={status.interfaces} />
    </section>
  )
}
