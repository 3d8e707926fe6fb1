import { randomUUID } from 'node:crypto'
import type { UserProfile } from '@auth-service/db'
import {
  ACCESS_TOKEN_ALGORITHM,
  ACCESS_TOKEN_TYPE,
  AccessTokenClaims,
  type AccessTokenResponse,
  type JsonWebKeySet,
} from '@auth-service/shared'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { createLocalJWKSet, errors, jwtVerify, SignJWT } from 'jose'
import type { TokenSettings } from '../config.js'
import type { TokenKeys } from './token-keys.js'
import { VerifiedTokens } from './verified-tokens.js'

export interface AccessTokens {
  /** The public keys, as served at the JWKS endpoint. */
  readonly jwks: JsonWebKeySet
  /** An access token for the user, in session `sessionId` (its `sid` claim). */
  issue(user: Pick<UserProfile, 'id' | 'username'>, sessionId: string): Promise<AccessTokenResponse>
  /** Resolves with the claims, or rejects with a TokenRejected saying why. */
  verify(token: string): Promise<AccessTokenClaims>
}

export class TokenRejected extends Error {
  override readonly name = 'TokenRejected'
  constructor(
    /** What the caller may be told. */
    readonly reason: 'has expired' | 'is not valid',
    /** jose's code for the failure, for the log. */
    readonly detail: string,
  ) {
    super(`access token ${reason}`)
  }
}

const CLOCK_TOLERANCE_SECONDS = 5
/** About 3 MB of tokens and claims. */
const VERIFIED_TOKENS_KEPT = 4096

type Settings = Pick<TokenSettings, 'ttlSeconds' | 'issuer' | 'audience'>

export function createAccessTokens(
  keys: TokenKeys,
  settings: Settings,
  now: () => number = Date.now,
): AccessTokens {
  // Verification goes through the same key set we publish, exactly as a
  // calling service does: the key is chosen by kid, and only EdDSA is allowed,
  // so `alg: none` and HS256 signed with a public key as the secret fail.
  const publishedKeys = createLocalJWKSet(keys.jwks)
  // Every claim present and of its type, checked even though only our keys
  // sign: a `sub` that is not a string must never reach a query, where MySQL
  // would compare it as a number.
  const claimsShape = TypeCompiler.Compile(AccessTokenClaims)
  const verifyOptions = {
    algorithms: [ACCESS_TOKEN_ALGORITHM],
    issuer: settings.issuer,
    audience: settings.audience,
    typ: ACCESS_TOKEN_TYPE,
    // Also refuses an `iat` in the future, and a token older than our TTL.
    maxTokenAge: settings.ttlSeconds,
    // Replicas' clocks differ a little; `iat` from one must pass on another.
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
  }
  const seconds = () => Math.floor(now() / 1000)
  const verified = new VerifiedTokens(VERIFIED_TOKENS_KEPT)
  // What jose checks of the times, for a token it verified before.
  const timesHold = (claims: AccessTokenClaims, at: number) =>
    claims.exp + CLOCK_TOLERANCE_SECONDS > at &&
    at - claims.iat <= settings.ttlSeconds + CLOCK_TOLERANCE_SECONDS
  return {
    jwks: keys.jwks,
    async issue(user, sessionId) {
      const issuedAt = seconds()
      const accessToken = await new SignJWT({ preferred_username: user.username, sid: sessionId })
        .setProtectedHeader({
          alg: ACCESS_TOKEN_ALGORITHM,
          kid: keys.signingKid,
          typ: ACCESS_TOKEN_TYPE,
        })
        .setSubject(user.id)
        .setIssuer(settings.issuer)
        .setAudience(settings.audience)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + settings.ttlSeconds)
        .setJti(randomUUID())
        .sign(keys.signingKey)
      return { accessToken, tokenType: 'Bearer', expiresIn: settings.ttlSeconds }
    },
    async verify(token) {
      const known = verified.get(token)
      if (known !== undefined && timesHold(known, seconds())) return known
      const options = { ...verifyOptions, currentDate: new Date(now()) }
      const { payload } = await jwtVerify(token, publishedKeys, options).catch((error: unknown) => {
        throw rejectionFor(error)
      })
      if (!claimsShape.Check(payload)) throw new TokenRejected('is not valid', 'claims shape')
      verified.add(token, payload)
      return payload
    },
  }
}

function rejectionFor(error: unknown): TokenRejected {
  if (error instanceof errors.JWTExpired) return new TokenRejected('has expired', error.code)
  if (error instanceof errors.JOSEError) return new TokenRejected('is not valid', error.code)
  // jose reports some malformed input as a plain TypeError.
  return new TokenRejected('is not valid', error instanceof Error ? error.name : 'unknown')
}
