import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
} from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { ACCESS_TOKEN_ALGORITHM, type JsonWebKeySet, type PublicJwk } from '@auth-service/shared'
import { calculateJwkThumbprint, exportJWK } from 'jose'
import { ConfigError } from '../config.js'

export interface TokenKeys {
  signingKey: KeyObject
  /** The kid of the signing key, in every token's header. */
  signingKid: string
  /** The signing key's public half first, then the keys that still verify. */
  jwks: JsonWebKeySet
  /** True when the signing key was made at start rather than read from a file. */
  ephemeral: boolean
}

export interface TokenKeyFiles {
  signingKeyFile: string | undefined
  signingKeyFileRequired: boolean
  verifyKeysDir: string | undefined
}

const KEYGEN_HINT = 'make one with: openssl genpkey -algorithm ed25519'

/** Reads the configured keys, or makes an ephemeral signing key when none is set. */
export async function loadTokenKeys(files: TokenKeyFiles): Promise<TokenKeys> {
  // A key made at start signs tokens that no other replica accepts and that
  // stop verifying at the next restart: fine on a laptop, not in production.
  // Checked here rather than in loadConfig, so `db:migrate` needs no key.
  if (files.signingKeyFile === undefined && files.signingKeyFileRequired) {
    throw new ConfigError(
      'invalid configuration: env/TOKEN_SIGNING_KEY_FILE must be set when NODE_ENV=production: without it each start signs with a new key, and tokens would not verify on other replicas or after a restart',
    )
  }
  const signingKey =
    files.signingKeyFile === undefined
      ? generateKeyPairSync('ed25519').privateKey
      : await readSigningKey(files.signingKeyFile)
  const signingJwk = await publicJwkOf(createPublicKey(signingKey))
  const keys = [signingJwk]
  const verifyKeys =
    files.verifyKeysDir === undefined ? [] : await readVerifyKeys(files.verifyKeysDir)
  for (const key of verifyKeys) {
    const jwk = await publicJwkOf(key)
    if (!keys.some((known) => known.kid === jwk.kid)) keys.push(jwk)
  }
  return {
    signingKey,
    signingKid: signingJwk.kid,
    jwks: { keys },
    ephemeral: files.signingKeyFile === undefined,
  }
}

async function readSigningKey(file: string): Promise<KeyObject> {
  const pem = await readKeyFile('TOKEN_SIGNING_KEY_FILE', file)
  let key: KeyObject
  try {
    key = createPrivateKey(pem)
  } catch {
    throw keyError('TOKEN_SIGNING_KEY_FILE', file, `is not a PEM private key; ${KEYGEN_HINT}`)
  }
  assertEd25519('TOKEN_SIGNING_KEY_FILE', file, key)
  return key
}

/**
 * Every `*.pem` file in the folder, public or private (only the public half
 * is kept). Names starting with a dot are skipped: a Kubernetes Secret volume
 * keeps its bookkeeping (`..data`) there.
 */
async function readVerifyKeys(dir: string): Promise<KeyObject[]> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (error) {
    throw keyError('TOKEN_VERIFY_KEYS_DIR', dir, `cannot be read (${codeOf(error)})`)
  }
  const pemFiles = names.filter((name) => name.endsWith('.pem') && !name.startsWith('.')).sort()
  const keys: KeyObject[] = []
  for (const name of pemFiles) {
    const file = path.join(dir, name)
    const pem = await readKeyFile('TOKEN_VERIFY_KEYS_DIR', file)
    let key: KeyObject
    try {
      key = createPublicKey(pem)
    } catch {
      throw keyError('TOKEN_VERIFY_KEYS_DIR', file, 'is not a PEM public or private key')
    }
    assertEd25519('TOKEN_VERIFY_KEYS_DIR', file, key)
    keys.push(key)
  }
  return keys
}

async function readKeyFile(variable: string, file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    throw keyError(variable, file, `cannot be read (${codeOf(error)})`)
  }
}

function assertEd25519(variable: string, file: string, key: KeyObject) {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw keyError(
      variable,
      file,
      `holds a ${key.asymmetricKeyType} key; tokens are signed with Ed25519, ${KEYGEN_HINT}`,
    )
  }
}

async function publicJwkOf(publicKey: KeyObject): Promise<PublicJwk> {
  const { x } = await exportJWK(publicKey)
  if (x === undefined) throw new Error('an Ed25519 public key exports an x coordinate')
  // The RFC 7638 thumbprint: every replica derives the same kid from the same key.
  const kid = await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x })
  return { kty: 'OKP', crv: 'Ed25519', x, kid, alg: ACCESS_TOKEN_ALGORITHM, use: 'sig' }
}

// Names the variable and the file, never the file's contents.
function keyError(variable: string, file: string, problem: string): ConfigError {
  return new ConfigError(`invalid configuration: env/${variable}: ${file} ${problem}`)
}

function codeOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'unknown error'
}

/**
 * A secret for one purpose, derived from the signing key: every replica has
 * the same one without another Secret to manage. It changes with the key.
 */
export function derivedSecret(signingKey: KeyObject, purpose: string): Buffer {
  const material = signingKey.export({ type: 'pkcs8', format: 'der' })
  return Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), purpose, 32))
}
