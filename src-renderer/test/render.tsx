import { render, waitFor } from '@testing-library/react'
import { ApiProvider } from '../src/api/context'
import { App } from '../src/App'
import { useChatView } from '../src/store/chat-view-store'
import { useOllamaStatus } from '../src/store/ollama-status-store'
import { screenFromHash, sessionFromHash, useAppStore } from '../src/store/app-store'
import { bootstrap } from '../src/store/bootstrap'
import { resetScreenStates } from '../src/store/screen-state'
import { fakeApi, type FakeApiOptions } from './fake-api'

export const initialState = useAppStore.getState()
const initialChatView = useChatView.getState()
const initialOllama = useOllamaStatus.getState()

type Fake = ReturnType<typeof fakeApi>

/**
 * Renders the whole app over a fake API, after the same bootstrap main.tsx runs. `prepare` changes
 * the fake before anything renders (the screen's first load sees it).
 */
export async function renderApp(options: FakeApiOptions = {}, prepare?: (fake: Fake) => void) {
  useAppStore.setState(
    { ...initialState, notices: [], screen: screenFromHash(location.hash), openSessionId: sessionFromHash(location.hash), paletteOpen: false, shortcutsOpen: false, connection: 'open', transport: 'web' },
    true,
  )
  // Screens keep their state in stores across navigation; each test starts from a fresh app.
  resetScreenStates()
  useChatView.setState(initialChatView, true)
  useOllamaStatus.setState(initialOllama, true)
  const fake = fakeApi(options)
  prepare?.(fake)
  await bootstrap(fake.api)
  const view = render(
    <ApiProvider api={fake.api}>
      <App />
    </ApiProvider>,
  )
  // Screens other than Chat are their own chunks (React.lazy): wait until the first one is in.
  await waitFor(() => {
    if (document.querySelector('.screen-loading')) throw new Error('the screen is still loading')
  })
  return { ...fake, view }
}

/** The app opened on a screen given by its address (e.g. '#/sessions', '#/chat/<id>'). */
export async function renderAt(hash: string, options: FakeApiOptions = {}, prepare?: (fake: Fake) => void) {
  window.location.hash = hash
  return renderApp(options, prepare)
}
