import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Test } from 'tap'

export interface TestKey {
  privateKey: KeyObject
  publicKey: KeyObject
  /** The private key as PEM (PKCS#8): what TOKEN_SIGNING_KEY_FILE points at. */
  privateKeyFile: string
  /** The public key as PEM (SPKI), as it would sit in TOKEN_VERIFY_KEYS_DIR. */
  publicKeyFile: string
  kid: string
  /** How the service should publish this key in its JWKS. */
  publishedJwk: { kty: 'OKP'; crv: 'Ed25519'; x: string; kid: string; alg: 'EdDSA'; use: 'sig' }
}

/** A temporary folder, removed when `t` ends. */
export function tempDir(t: Test): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'auth-service-keys-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** A new Ed25519 key pair, written as PEM files into a folder removed when `t` ends. */
export function createTestKey(t: Test, dir = tempDir(t)): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  const name = `key-${Math.random().toString(36).slice(2)}`
  const privateKeyFile = path.join(dir, `${name}.pem`)
  const publicKeyFile = path.join(dir, `${name}.pub.pem`)
  writeFileSync(privateKeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }))
  writeFileSync(publicKeyFile, publicKey.export({ type: 'spki', format: 'pem' }))
  // Computed here with Node's own crypto, not the service's code: RFC 7638's
  // thumbprint is the SHA-256 of the required members in lexical order.
  const x = publicKey.export({ format: 'jwk' }).x ?? ''
  const kid = createHash('sha256')
    .update(JSON.stringify({ crv: 'Ed25519', kty: 'OKP', x }))
    .digest('base64url')
  const publishedJwk = { kty: 'OKP', crv: 'Ed25519', x, kid, alg: 'EdDSA', use: 'sig' } as const
  return { privateKey, publicKey, privateKeyFile, publicKeyFile, kid, publishedJwk }
}
