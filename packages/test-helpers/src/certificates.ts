import { execFileSync } from 'node:child_process'
import path from 'node:path'

export interface Certificates {
  ca: string
  serverCert: string
  serverKey: string
  clientCert: string
  clientKey: string
  /** A client certificate whose URI SAN is SPIFFE_CLIENT_ID (its CN is `spiffe-client`). */
  spiffeClientCert: string
  spiffeClientKey: string
  /** A client certificate from a CA the server does not trust. */
  strangerCert: string
  strangerKey: string
}

function openssl(dir: string, ...args: string[]) {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' })
}

function newKeyArgs(keyFile: string) {
  return ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile]
}

function makeCa(dir: string, name: string) {
  openssl(
    dir,
    'req',
    '-x509',
    ...newKeyArgs(`${name}.key`),
    '-out',
    `${name}.crt`,
    '-days',
    '1',
    '-subj',
    `/CN=${name}`,
  )
}

function issue(dir: string, ca: string, name: string, extensions: string) {
  openssl(dir, 'req', ...newKeyArgs(`${name}.key`), '-out', `${name}.csr`, '-subj', `/CN=${name}`)
  const extFile = path.join(dir, `${name}.ext`)
  execFileSync('sh', ['-c', `printf '%s\\n' "$1" > "$2"`, 'sh', extensions, extFile])
  openssl(
    dir,
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-out',
    `${name}.crt`,
    '-days',
    '1',
    '-extfile',
    extFile,
  )
}

/** The SPIFFE ID the test CA's spiffe-client certificate carries. */
export const SPIFFE_CLIENT_ID = 'spiffe://cluster.local/ns/shop/sa/checkout'

/** A throwaway CA with a server and a client certificate, and a stranger's, made with openssl in `dir`. */
export function makeCertificates(dir: string): Certificates {
  makeCa(dir, 'test-ca')
  makeCa(dir, 'stranger-ca')
  issue(
    dir,
    'test-ca',
    'server',
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth',
  )
  issue(dir, 'test-ca', 'client', 'extendedKeyUsage=clientAuth')
  issue(
    dir,
    'test-ca',
    'spiffe-client',
    `subjectAltName=URI:${SPIFFE_CLIENT_ID}\nextendedKeyUsage=clientAuth`,
  )
  issue(dir, 'stranger-ca', 'stranger', 'extendedKeyUsage=clientAuth')
  const file = (name: string) => path.join(dir, name)
  return {
    ca: file('test-ca.crt'),
    serverCert: file('server.crt'),
    serverKey: file('server.key'),
    clientCert: file('client.crt'),
    clientKey: file('client.key'),
    spiffeClientCert: file('spiffe-client.crt'),
    spiffeClientKey: file('spiffe-client.key'),
    strangerCert: file('stranger.crt'),
    strangerKey: file('stranger.key'),
  }
}

/** Why TLS tests cannot run here, if they cannot: they need the openssl command. */
export function opensslMissing(): string | false {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' })
    return false
  } catch {
    return 'the openssl command is not installed'
  }
}
