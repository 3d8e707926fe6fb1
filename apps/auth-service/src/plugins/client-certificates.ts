import type { TLSSocket } from 'node:tls'
import { ClientCertificateRequired } from '@auth-service/shared'
import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A Kubernetes probe: the kubelet has no client certificate to present. */
    probe?: boolean
  }
}

/**
 * Mutual TLS, checked per request rather than in the handshake: the TLS server
 * asks every client for a certificate but lets the handshake finish, and every
 * route but the probes answers 403 CLIENT_CERTIFICATE_REQUIRED, in the one
 * error format, unless the certificate verified against TLS_CLIENT_CA_FILE.
 */
export default fp<{ required: boolean }>(
  async (fastify, { required }) => {
    if (!required) return
    fastify.addHook('onRequest', async (request) => {
      if (request.routeOptions.config.probe) return
      const socket = request.raw.socket as TLSSocket
      if (socket.authorized) return
      request.log.info({ reason: socket.authorizationError }, 'client certificate refused')
      throw new ClientCertificateRequired()
    })
  },
  { name: 'client-certificates' },
)
