import { SherpaHost, type SherpaChild } from '../../../src-main/core/voice/engines/sherpa-host'
import type { ChildReply, ChildRequest } from '../../../src-main/core/voice/engines/sherpa-protocol'

export /** An in-process stand-in for the sherpa child: answers each method with a scripted function. */
function scriptedHost(script: Partial<Record<ChildRequest['method'], (args: never) => unknown>>): { host: SherpaHost; calls: ChildRequest[] } {
  const calls: ChildRequest[] = []
  const host = new SherpaHost({
    spawn: (): SherpaChild => {
      let reply: (message: ChildReply) => void = () => undefined
      return {
        send: (request: ChildRequest) => {
          calls.push(request)
          setImmediate(() => {
            const handler = script[request.method]
            try {
              if (!handler) throw new Error(`unscripted ${request.method}`)
              reply({ id: request.id, ok: true, value: handler(request.args as never) })
            } catch (error) {
              reply({ id: request.id, ok: false, message: (error as Error).message })
            }
          })
        },
        on: ((event: string, listener: (message: ChildReply) => void) => {
          if (event === 'message') reply = listener
        }) as SherpaChild['on'],
        kill: () => undefined,
      }
    },
  })
  return { host, calls }
}

