import { type AccessTokenClaims, InvalidToken } from '@auth-service/shared'
import type { FastifyBaseLogger } from 'fastify'
import { type ErrorWithHeaders, withHeaders } from '../errors/classify-error.js'
import { type AccessTokens, TokenRejected } from './access-tokens.js'

// RFC 6750's b64token, after the scheme, which is case-insensitive.
const BEARER = /^Bearer +([\w\-.~+/]+=*) *$/i
const REALM = 'Bearer realm="auth-service"'

/** The claims of the token in an Authorization header; throws INVALID_TOKEN otherwise. */
export async function claimsFromAuthorization(
  accessTokens: AccessTokens,
  authorization: string | undefined,
  log: FastifyBaseLogger,
): Promise<AccessTokenClaims> {
  if (authorization === undefined || authorization === '') {
    throw invalidToken('is missing; send the header Authorization: Bearer <token>', {
      tokenSent: false,
    })
  }
  // Why, for the operator; never the token itself, which is a credential.
  const token = BEARER.exec(authorization)?.[1]
  if (token === undefined) {
    log.info({ reason: 'not a bearer token' }, 'access token rejected')
    throw invalidToken('must be sent as Authorization: Bearer <token>')
  }
  try {
    return await accessTokens.verify(token)
  } catch (error) {
    if (!(error instanceof TokenRejected)) throw error
    log.info({ reason: error.detail }, 'access token rejected')
    throw invalidToken(error.reason)
  }
}

/**
 * An INVALID_TOKEN error carrying its WWW-Authenticate challenge (RFC 6750).
 * A request that sent no token at all gets the challenge without an error.
 * Reasons never hold a double quote, so the description is a valid quoted-string.
 */
export function invalidToken(reason: string, { tokenSent = true } = {}): ErrorWithHeaders {
  const error = new InvalidToken(reason)
  return withHeaders(error, {
    'www-authenticate': tokenSent
      ? `${REALM}, error="invalid_token", error_description="${error.message}"`
      : REALM,
  })
}
