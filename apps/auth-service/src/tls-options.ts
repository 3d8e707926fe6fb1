import { X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createSecureContext, type SecureContextOptions, type TlsOptions } from 'node:tls'
import { ConfigError, type TlsSettings } from './config.js'

/**
 * The HTTPS server's options. With a client CA, every client is asked for a
 * certificate but the handshake does not require one: the client-certificates
 * plugin refuses per request, so probes without one still get through.
 */
export function tlsServerOptions(tls: TlsSettings): TlsOptions {
  const options: TlsOptions = {
    cert: readPem('TLS_CERT_FILE', tls.certFile),
    key: readPem('TLS_KEY_FILE', tls.keyFile),
    minVersion: 'TLSv1.2',
  }
  try {
    createSecureContext(options)
  } catch (error) {
    // OpenSSL's reason names the problem, never the key's contents.
    throw new ConfigError(
      `invalid configuration: env/TLS_CERT_FILE and TLS_KEY_FILE must hold a PEM certificate and its private key (${(error as Error).message})`,
    )
  }
  if (tls.clientCaFile === undefined) return options
  const ca = readPem('TLS_CLIENT_CA_FILE', tls.clientCaFile)
  try {
    // The TLS layer takes anything as a CA and then trusts nobody: check it is one.
    new X509Certificate(ca as Buffer)
  } catch (error) {
    throw new ConfigError(
      `invalid configuration: env/TLS_CLIENT_CA_FILE: ${tls.clientCaFile} must hold PEM certificates (${(error as Error).message})`,
    )
  }
  return {
    ...options,
    ca,
    requestCert: true,
    rejectUnauthorized: false,
  }
}

function readPem(variable: string, file: string): SecureContextOptions['cert'] {
  try {
    return readFileSync(file)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error'
    throw new ConfigError(
      `invalid configuration: env/${variable}: ${file} cannot be read (${code})`,
    )
  }
}
