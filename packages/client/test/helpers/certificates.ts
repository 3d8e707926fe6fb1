import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Test } from 'tap'

/** File paths of a throwaway CA and the server and client certificates it signed. */
export interface CertificateFiles {
  ca: string
  serverCert: string
  serverKey: string
  clientCert: string
  clientKey: string
}

function openssl(dir: string, args: string[]) {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' })
}

const newKey = (name: string) => [
  '-newkey',
  'ec',
  '-pkeyopt',
  'ec_paramgen_curve:prime256v1',
  '-nodes',
  '-keyout',
  `${name}.key`,
]

function issue(dir: string, name: string, extensions: string) {
  openssl(dir, ['req', ...newKey(name), '-out', `${name}.csr`, '-subj', `/CN=${name}`])
  writeFileSync(path.join(dir, `${name}.ext`), `${extensions}\n`)
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    `${name}.crt`,
    '-days',
    '1',
    '-extfile',
    `${name}.ext`,
  ])
}

/** Makes the certificates with the openssl command in a folder removed when `t` ends. */
export function makeCertificates(t: Test): CertificateFiles {
  const dir = mkdtempSync(path.join(tmpdir(), 'auth-client-tls-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  openssl(dir, ['req', '-x509', ...newKey('ca'), '-out', 'ca.crt', '-days', '1', '-subj', '/CN=ca'])
  issue(dir, 'server', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth')
  issue(dir, 'client', 'extendedKeyUsage=clientAuth')
  const file = (name: string) => path.join(dir, name)
  return {
    ca: file('ca.crt'),
    serverCert: file('server.crt'),
    serverKey: file('server.key'),
    clientCert: file('client.crt'),
    clientKey: file('client.key'),
  }
}

export const readPem = (file: string) => readFileSync(file, 'utf8')

/** Why the TLS test cannot run here, if it cannot. */
export function opensslMissing(): string | false {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' })
    return false
  } catch {
    return 'the openssl command is not installed'
  }
}
