import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Listening {
  port: number
  /** Drops open (keep-alive) connections first, so a teardown never waits on a client. */
  close(): Promise<void>
}

/** Starts `server` on 127.0.0.1 with a free port (port 0), as every test server here must. */
export async function listenOnLoopback(server: http.Server): Promise<Listening> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** A loopback port with nothing listening on it (bound, then released). */
export async function closedPort(): Promise<number> {
  const { port, close } = await listenOnLoopback(http.createServer())
  await close()
  return port
}
