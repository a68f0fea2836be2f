import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { connectApi } from './api/connect'
import { ApiProvider } from './api/context'
import { App } from './App'
import { useAppStore } from './store/app-store'
import { bootstrap } from './store/bootstrap'
import { installLogForwarding } from './lib/log-forwarding'
import { guardFileDrops } from './lib/drop-guard'
import './styles.css'
import './sessions.css'
import './models.css'
import './onboarding.css'

const { api, transport } = connectApi(window, (state) => useAppStore.getState().setConnection(state))
useAppStore.getState().setTransport(transport)
installLogForwarding(api)
guardFileDrops(window)
void bootstrap(api)

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ApiProvider api={api}>
      <App />
    </ApiProvider>
  </StrictMode>,
)
