import net from 'node:net'

/**
 * A machine in the middle on 127.0.0.1: it passes every byte between a client and the real server
 * until the server's last handshake message has gone by (the marker), then hands both sockets to
 * `attack`. What it can do afterwards is what an attacker on the network can do.
 */

const HANDSHAKE_DONE = [Buffer.from('"auth-ok"'), Buffer.from('"type":"noise"')]

export interface Relay {
  address: string
  close(): Promise<void>
}

export type Attack = (client: net.Socket, server: net.Socket) => void

export async function startRelay(upstream: string, attack: Attack): Promise<Relay> {
  const [host, port] = upstream.replace('tcp://', '').split(':') as [string, string]
  const sockets = new Set<net.Socket>()
  const server = net.createServer((client) => {
    const target = net.connect(Number(port), host)
    for (const socket of [client, target]) {
      sockets.add(socket)
      socket.on('error', () => undefined)
      socket.on('close', () => sockets.delete(socket))
    }
    let attacking = false
    client.on('data', (chunk) => {
      if (!attacking) target.write(chunk)
    })
    target.on('data', (chunk) => {
      if (attacking) return
      const marker = HANDSHAKE_DONE.map((candidate) => chunk.indexOf(candidate)).find((at) => at >= 0)
      if (marker === undefined) {
        client.write(chunk)
        return
      }
      // Pass the handshake's last frame (its JSON closes with the first run of braces), not what follows.
      let end = chunk.indexOf('}', marker)
      while (chunk[end + 1] === 0x7d) end++
      client.write(chunk.subarray(0, end + 1))
      attacking = true
      attack(client, target)
    })
    client.on('end', () => !attacking && target.end())
    target.on('end', () => !attacking && client.end())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port: relayPort } = server.address() as net.AddressInfo
  return {
    address: `tcp://127.0.0.1:${relayPort}`,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** A 4-byte-length JSON frame (the handshake and query framing). */
export function jsonFrame(message: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(message))
  const header = Buffer.alloc(4)
  header.writeUInt32BE(body.length)
  return Buffer.concat([header, body])
}

/** A model-transfer frame: kind 1 control JSON, kind 2 data. */
export function transferFrame(kind: 1 | 2, payload: Buffer | object): Buffer {
  const body = Buffer.isBuffer(payload) ? payload : Buffer.from(JSON.stringify(payload))
  const header = Buffer.alloc(5)
  header.writeUInt8(kind, 0)
  header.writeUInt32BE(body.length, 1)
  return Buffer.concat([header, body])
}
