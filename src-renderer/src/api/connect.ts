import { createRpcClient, type ApiClient } from '../../../src-shared/contract/client'
import { companionSocketUrl, createWebPort, type ConnectionState } from './web-port'

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a browser. */
    ollamaDesk?: ApiClient
  }
}

export interface Connected {
  api: ApiClient
  transport: 'electron' | 'web'
}

/** The renderer never knows more than this: a typed client, over IPC or over the web companion. */
export function connectApi(win: Window, onState: (state: ConnectionState) => void): Connected {
  if (win.ollamaDesk) {
    onState('open')
    return { api: win.ollamaDesk, transport: 'electron' }
  }
  const port = createWebPort({ url: companionSocketUrl(win.location), onState })
  return { api: createRpcClient(port), transport: 'web' }
}
