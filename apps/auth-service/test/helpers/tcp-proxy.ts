import { once } from 'node:events'
import { connect, createServer, type Server, type Socket } from 'node:net'

/**
 * A TCP proxy on loopback between the service and a database, which a test
 * can cut (connections dropped, new ones refused), stall (connections held
 * open, nothing forwarded) and restore.
 */
export interface TcpProxy {
  port: number
  cut(): Promise<void>
  stall(): void
  restore(): Promise<void>
  close(): Promise<void>
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>()
  let stalled = false
  const track = (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    if (stalled) socket.pause()
  }
  let server: Server = createServer()
  const onConnection = (client: Socket) => {
    const upstream = connect(targetPort, targetHost)
    client.pipe(upstream).on('error', () => client.destroy())
    upstream.pipe(client).on('error', () => upstream.destroy())
    client.on('error', () => upstream.destroy())
    upstream.on('error', () => client.destroy())
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
    // After piping, which would resume a paused socket.
    track(client)
    track(upstream)
  }
  server.on('connection', onConnection)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }

  return {
    port,
    async cut() {
      const closed = new Promise((resolve) => server.close(resolve))
      for (const socket of sockets) socket.destroy()
      await closed
    },
    stall() {
      stalled = true
      for (const socket of sockets) socket.pause()
    },
    async restore() {
      stalled = false
      for (const socket of sockets) socket.resume()
      if (server.listening) return
      server = createServer(onConnection)
      server.listen(port, '127.0.0.1')
      await once(server, 'listening')
    },
    async close() {
      for (const socket of sockets) socket.destroy()
      if (server.listening) await new Promise((resolve) => server.close(resolve))
    },
  }
}
