import { Suspense, lazy, useCallback, useEffect, useMemo, type ComponentType } from 'react'
import { useApi } from './api/context'
import { screens, type ScreenId } from './app/screen-registry'
import { AnalyticsConsent } from './components/AnalyticsConsent'
import { CommandPalette } from './components/CommandPalette'
import { ErrorBoundary } from './components/ErrorBoundary'
import { Notices } from './components/Notices'
import { StorageBanner } from './components/StorageBanner'
import { ShortcutsSheet } from './components/ShortcutsSheet'
import { Sidebar } from './components/Sidebar'
import { navigateTo, startNewChat } from './lib/navigation'
import { reportOpenSession } from './lib/session-lifecycle'
import { ChatScreen } from './screens/chat/ChatScreen'
import { OnboardingWizard } from './screens/onboarding/OnboardingWizard'
import { screenFromHash, sessionFromHash, useAppStore } from './store/app-store'
import { useThemeSync } from './theme/use-theme'

// Chat is in the first chunk; every other screen is its own chunk, fetched when first shown (and
// recharts with Providers), so start-up parses only what a usable chat needs (issue 20).
const views: Record<ScreenId, ComponentType> = {
  chat: ChatScreen,
  sessions: lazy(() => import('./screens/sessions/SessionsScreen').then((m) => ({ default: m.SessionsScreen }))),
  models: lazy(() => import('./screens/models/ModelsScreen').then((m) => ({ default: m.ModelsScreen }))),
  providers: lazy(() => import('./screens/providers/ProvidersScreen').then((m) => ({ default: m.ProvidersScreen }))),
  agents: lazy(() => import('./screens/agents/AgentsScreen').then((m) => ({ default: m.AgentsScreen }))),
  tools: lazy(() => import('./screens/tools/ToolsScreen').then((m) => ({ default: m.ToolsScreen }))),
  cluster: lazy(() => import('./screens/cluster/ClusterScreen').then((m) => ({ default: m.ClusterScreen }))),
  settings: lazy(() => import('./screens/settings/SettingsScreen').then((m) => ({ default: m.SettingsScreen }))),
}

export function App() {
  const api = useApi()
  const screen = useAppStore((state) => state.screen)
  const setScreen = useAppStore((state) => state.setScreen)
  useThemeSync()

  const navigate = useCallback((id: ScreenId) => navigateTo(id), [])

  // The core's SessionStart/SessionEnd hooks hear which chat this window shows.
  useEffect(() => reportOpenSession(api), [api])

  useEffect(() => {
    const onHash = (): void => {
      const next = screenFromHash(location.hash)
      // Leaving Chat keeps its session open (like a tab); an address of Chat itself says which one.
      if (next === 'chat') useAppStore.getState().setOpenSession(sessionFromHash(location.hash))
      setScreen(next)
    }
    window.addEventListener('popstate', onHash)
    window.addEventListener('hashchange', onHash)
    return () => {
      window.removeEventListener('popstate', onHash)
      window.removeEventListener('hashchange', onHash)
    }
  }, [setScreen])

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      const mod = event.metaKey || event.ctrlKey
      if (!mod || event.altKey) return
      if (event.key.toLowerCase() === 'k') {
        event.preventDefault()
        const { paletteOpen, setPaletteOpen } = useAppStore.getState()
        setPaletteOpen(!paletteOpen)
        return
      }
      if (event.key.toLowerCase() === 'n' && !event.shiftKey) {
        event.preventDefault()
        useAppStore.getState().setPaletteOpen(false)
        startNewChat()
        return
      }
      const index = Number(event.key) - 1
      const target = screens[index]
      if (Number.isInteger(index) && target) {
        event.preventDefault()
        navigate(target.id)
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [navigate])

  const context = useMemo(() => ({ api, navigate }), [api, navigate])
  const View = views[screen]
  return (
    <div className="app">
      <a className="skip-link" href="#main" onClick={(event) => { event.preventDefault(); document.getElementById('screen-title')?.focus() }}>
        Skip to content
      </a>
      <Sidebar onNavigate={navigate} />
      <main id="main" className="content" data-screen={screen}>
        <StorageBanner />
        <AnalyticsConsent />
        <ErrorBoundary resetKey={screen}>
          <Suspense fallback={<div className="screen-loading" role="status" aria-label="Loading" />}>
            <View />
          </Suspense>
        </ErrorBoundary>
      </main>
      <OnboardingWizard />
      <CommandPalette context={context} />
      <ShortcutsSheet />
      <Notices />
    </div>
  )
}
