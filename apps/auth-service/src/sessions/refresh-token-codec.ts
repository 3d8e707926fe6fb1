import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto'

const TOKEN_BYTES = 32
const IV_BYTES = 12
const TAG_BYTES = 16
const SUCCESSOR_KEY_INFO = 'auth-service refresh-token successor v1'

export interface NewRefreshToken {
  /** What the caller gets: 256 bits from the CSPRNG, base64url. */
  token: string
  /** What is stored. */
  hash: string
}

export function newRefreshToken(): NewRefreshToken {
  const token = randomBytes(TOKEN_BYTES).toString('base64url')
  return { token, hash: refreshTokenHash(token) }
}

/**
 * SHA-256, hex. A token has 256 random bits: no guessing to slow down, so a
 * fast hash is right, and bcrypt here would only spend the hashing capacity
 * that logins need.
 */
export function refreshTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

/**
 * The successor of `spentToken`, encrypted (AES-256-GCM) under a key derived
 * from the spent token: whoever retries with the spent token within the grace
 * can be given the same successor, and the database alone reveals nothing.
 */
export function sealSuccessor(spentToken: string, successor: string): string {
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', successorKey(spentToken), iv)
  const sealed = Buffer.concat([cipher.update(successor, 'utf8'), cipher.final()])
  return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url')
}

/** The successor sealed by sealSuccessor, or undefined if it does not open with this token. */
export function openSuccessor(spentToken: string, sealed: string): string | undefined {
  const bytes = Buffer.from(sealed, 'base64url')
  if (bytes.length <= IV_BYTES + TAG_BYTES) return undefined
  try {
    const decipher = createDecipheriv(
      'aes-256-gcm',
      successorKey(spentToken),
      bytes.subarray(0, IV_BYTES),
    )
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES))
    const opened = Buffer.concat([
      decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
      decipher.final(),
    ])
    return opened.toString('utf8')
  } catch {
    return undefined
  }
}

function successorKey(spentToken: string): Buffer {
  return Buffer.from(hkdfSync('sha256', spentToken, Buffer.alloc(0), SUCCESSOR_KEY_INFO, 32))
}
