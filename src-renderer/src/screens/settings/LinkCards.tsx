import type { ReactNode } from 'react'
import type { ScreenId } from '../../app/screen-registry'
import { openSettings, navigateTo } from '../../lib/navigation'
import { useAppStore } from '../../store/app-store'

function ScreenLink({ screen, children }: { screen: ScreenId; children: ReactNode }) {
  return (
    <a
      href={`#/${screen}`}
      className="button secondary"
      onClick={(event) => {
        event.preventDefault()
        navigateTo(screen)
      }}
    >
      {children}
    </a>
  )
}

/** Settings → Models & Providers: where cloud providers and local models are managed. */
export function ProvidersCard() {
  return (
    <section className="card" aria-labelledby="providers-link-title">
      <h3 id="providers-link-title">Providers and models</h3>
      <p className="hint">Cloud providers (OpenAI, Anthropic, any OpenAI-compatible server), their API keys, prices and the fallback chain live on Providers &amp; Health. Local models are pulled and removed on Models.</p>
      <div className="row">
        <ScreenLink screen="providers">Open Providers &amp; Health</ScreenLink>
        <ScreenLink screen="models">Open Models</ScreenLink>
      </div>
    </section>
  )
}

/** Settings → Advanced → Cluster: the screen for machines on the network. */
export function ClusterCard() {
  const enabled = useAppStore((state) => state.settings?.cluster.enabled)
  return (
    <section className="card" aria-labelledby="cluster-link-title">
      <h3 id="cluster-link-title">Cluster</h3>
      <p className="hint">
        Pair other computers on your network to use their models and copy models between them. Clustering is {enabled ? 'on' : 'off'}.
      </p>
      <div className="row">
        <ScreenLink screen="cluster">Open Cluster</ScreenLink>
      </div>
    </section>
  )
}

function Fact({ title, children }: { title: string; children: ReactNode }) {
  return (
    <li>
      <strong>{title}</strong> <span className="muted">{children}</span>
    </li>
  )
}

const go = (section: Parameters<typeof openSettings>[0], card: string) => (event: React.MouseEvent) => {
  event.preventDefault()
  openSettings(section, card)
}

/** Settings → Privacy: in plain words, what leaves this computer with the current settings. */
export function PrivacyCard() {
  const settings = useAppStore((state) => state.settings)
  if (!settings) return null
  const consent = settings.analytics.consent
  const analytics = consent === 'granted' ? (settings.analytics.endpoint ? 'On: anonymous counts of what you use, never your chats.' : 'Allowed, but no address is set, so nothing is sent.') : 'Off: nothing is sent.'
  const voice = settings.voice.sttEngine === 'openai' || settings.voice.ttsEngine === 'openai' ? 'Uses OpenAI: dictated audio or text read aloud is uploaded to OpenAI.' : 'Stays on this computer.'
  return (
    <section className="card privacy-card" aria-labelledby="privacy-title">
      <h3 id="privacy-title">What leaves this computer</h3>
      <ul className="privacy-facts">
        <Fact title="Chats with local models">Stay on this computer: Ollama runs here.</Fact>
        <Fact title="Chats with a cloud model">Go to that provider (and only that one), with their attachments.</Fact>
        <Fact title="Voice">{voice}</Fact>
        <Fact title="Usage analytics">{analytics}</Fact>
        <Fact title="Tracing">
          {settings.telemetry.enabled ? 'On: timings of requests go to the address you set.' : 'Off.'}{' '}
          <a href="#/settings/advanced/tracing" onClick={go('advanced', 'tracing')}>Tracing settings</a>
        </Fact>
        <Fact title="Cluster">{settings.cluster.enabled ? 'On: paired computers on your network can use your models.' : 'Off.'}</Fact>
        <Fact title="Updates">{settings.updates.enabled ? 'Checks for a new version now and then; nothing about you is sent.' : 'Off: no update checks.'}</Fact>
      </ul>
    </section>
  )
}
