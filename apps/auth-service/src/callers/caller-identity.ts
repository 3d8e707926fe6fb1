import type { TLSSocket } from 'node:tls'

/**
 * Who the client certificate of a verified mutual-TLS connection names: its
 * URI SAN (a SPIFFE ID, as SPIRE, Istio and Linkerd issue them) when it has
 * one, else its subject CN. Undefined without a verified certificate.
 */
export function certificateIdentity(socket: TLSSocket): string | undefined {
  if (!socket.authorized) return undefined
  const certificate = socket.getPeerCertificate()
  const uri = certificate.subjectaltname
    ?.split(', ')
    .find((name) => name.startsWith('URI:'))
    ?.slice('URI:'.length)
  if (uri !== undefined && uri !== '') return uri
  const commonName = certificate.subject?.CN
  // A subject with several CNs names no one in particular.
  return typeof commonName === 'string' && commonName !== '' ? commonName : undefined
}
