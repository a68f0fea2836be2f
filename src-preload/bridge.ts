import type { ContextBridge, IpcRenderer, IpcRendererEvent } from 'electron'
import {
  createRpcClient,
  fail,
  isEventName,
  isRouteName,
  isStreamName,
  RPC_CHANNEL,
  type ApiClient,
  type ErrorShape,
  type MessagePort,
} from '../src-shared/contract'

/** Defined once in the contract (wire.ts) and shared with the other end of the channel. */
export { RPC_CHANNEL }
export const API_KEY = 'ollamaDesk'

const unknownName = (name: string): ErrorShape => ({
  code: 'E_UNKNOWN_ROUTE',
  message: `There is no request named "${String(name).slice(0, 128)}".`,
  retryable: false,
})

export function ipcPort(ipc: IpcRenderer): MessagePort {
  return {
    send: (text) => ipc.send(RPC_CHANNEL, text),
    onMessage(listener) {
      const handler = (_event: IpcRendererEvent, text: string): void => listener(text)
      ipc.on(RPC_CHANNEL, handler)
      return () => ipc.removeListener(RPC_CHANNEL, handler)
    },
  }
}

/**
 * The typed contract client, and nothing else, is what the page sees. Names outside the
 * contract are refused here before they reach main (which checks again).
 */
export function createBridgeApi(ipc: IpcRenderer): ApiClient {
  const client = createRpcClient(ipcPort(ipc))
  return {
    call: (route, input) => (isRouteName(route) ? client.call(route, input) : Promise.resolve(fail(unknownName(route)))),
    stream: (route, input, onEvent) => {
      if (isStreamName(route)) return client.stream(route, input, onEvent)
      return { id: -1, cancel: () => undefined, done: Promise.resolve(fail(unknownName(route))) }
    },
    on: (name, listener) => (isEventName(name) ? client.on(name, listener) : () => false),
  }
}

export function exposeApi(bridge: ContextBridge, ipc: IpcRenderer): void {
  bridge.exposeInMainWorld(API_KEY, createBridgeApi(ipc))
}
