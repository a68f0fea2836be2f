import type { IpcMain, IpcMainEvent, WebContents } from 'electron'
import { RPC_CHANNEL } from '../../src-shared/contract'
import type { Core } from '../core/app'
import { createConnection, type Connection } from '../core/rpc'
import { isAppUrl, type TrustedOrigins } from './security'

/** Defined once in the contract (wire.ts) and shared with the other end of the channel. */
export { RPC_CHANNEL }

/**
 * Each window gets one connection, exactly like a WebSocket client of the web companion, so both
 * transports share parsing, validation, limits and cancellation.
 */
export function wireIpc(ipcMain: IpcMain, core: Core, origins: TrustedOrigins): () => void {
  const connections = new Map<number, { contents: WebContents; connection: Connection }>()
  const log = core.logger.log.child({ component: 'ipc' })

  const connectionFor = (contents: WebContents): Connection => {
    const existing = connections.get(contents.id)
    if (existing) return existing.connection
    const connection = createConnection(core.dispatcher, (text) => {
      if (!contents.isDestroyed()) contents.send(RPC_CHANNEL, text)
    }, { clientId: `window-${contents.id}` })
    connections.set(contents.id, { contents, connection })
    contents.once('destroyed', () => {
      connection.close()
      connections.delete(contents.id)
    })
    return connection
  }

  const onMessage = (event: IpcMainEvent, text: unknown): void => {
    // Only the app's own top-level page may talk to the core; never an iframe or a foreign page.
    const frame = event.senderFrame
    if (!frame || frame.parent !== null || !isAppUrl(frame.url, origins)) {
      log.warn({ url: frame?.url }, 'ipc message from an untrusted frame dropped')
      return
    }
    connectionFor(event.sender).receive(text)
  }

  ipcMain.on(RPC_CHANNEL, onMessage)
  const unsubscribe = core.onBroadcast((name, payload) => {
    for (const { connection } of connections.values()) connection.push(name, payload)
  })
  return () => {
    ipcMain.removeListener(RPC_CHANNEL, onMessage)
    unsubscribe()
    for (const { connection } of connections.values()) connection.close()
    connections.clear()
  }
}
