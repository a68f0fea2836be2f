import { useAppStore } from '../store/app-store'
import { screens, type ScreenMeta } from '../app/screen-registry'
import { Icon } from './Icon'
import { OllamaIndicator } from './OllamaIndicator'

const modKey = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform) ? '⌘' : 'Ctrl+'

export function Sidebar({ onNavigate }: { onNavigate: (id: (typeof screens)[number]['id']) => void }) {
  const current = useAppStore((state) => state.screen)
  const connection = useAppStore((state) => state.connection)
  const transport = useAppStore((state) => state.transport)
  const setPaletteOpen = useAppStore((state) => state.setPaletteOpen)
  const links = (group: ScreenMeta['group']) =>
    screens.map((screen, index) =>
      screen.group === group ? (
        <li key={screen.id}>
          <a
            href={`#/${screen.id}`}
            className="nav-item"
            aria-current={current === screen.id ? 'page' : undefined}
            title={`${screen.label} (${modKey}${index + 1})`}
            onClick={(event) => {
              event.preventDefault()
              onNavigate(screen.id)
            }}
          >
            <Icon path={screen.icon} />
            <span>{screen.label}</span>
          </a>
        </li>
      ) : null,
    )
  return (
    <nav className="sidebar" aria-label="Main">
      <div className="brand">
        <img src="./icon.svg" alt="" width={28} height={28} />
        <span>Ollama Desk</span>
      </div>
      <button type="button" className="palette-trigger" title="Search commands and chats" aria-keyshortcuts="Control+K Meta+K" onClick={() => setPaletteOpen(true)}>
        <Icon path="M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14zM20 20l-4-4" size={16} />
        <span>Search…</span>
        <kbd>{modKey}K</kbd>
      </button>
      <ul>{links('everyday')}</ul>
      <p className="nav-group-label" id="nav-advanced">Advanced</p>
      <ul aria-labelledby="nav-advanced">{links('advanced')}</ul>
      <ul className="nav-app">{links('app')}</ul>
      <div className="sidebar-foot">
        <OllamaIndicator />
        <div className={`connection connection-${connection}`} role="status">
          <span className="dot" aria-hidden="true" />
          {connection === 'open' ? (transport === 'electron' ? 'Desktop' : 'Web companion') : connection === 'connecting' ? 'Connecting…' : 'Disconnected'}
        </div>
      </div>
    </nav>
  )
}
