import { type Static, Type } from '@sinclair/typebox'
import { COMMON_ERRORS, errorResponses, JSON_BODY_ERRORS } from './error-response.js'

/** The one signature algorithm tokens are signed with, and the only one verifiers may accept. */
export const ACCESS_TOKEN_ALGORITHM = 'EdDSA'
/** The `typ` header of an access token (RFC 9068), so no other JWT passes for one. */
export const ACCESS_TOKEN_TYPE = 'at+jwt'
/** Where the public keys are published. */
export const JWKS_PATH = '/.well-known/jwks.json'

export const LoginBody = Type.Object(
  {
    username: Type.String({
      description: 'The username in any case or width: it is matched by its canonical form.',
    }),
    password: Type.String({
      description: 'At most 72 UTF-8 bytes (a longer one is refused, never truncated); no U+0000.',
    }),
  },
  { additionalProperties: false },
)
export type LoginBody = Static<typeof LoginBody>

export const AccessTokenResponse = Type.Object(
  {
    accessToken: Type.String({ description: 'A JWT signed with EdDSA (Ed25519).' }),
    tokenType: Type.Literal('Bearer'),
    expiresIn: Type.Integer({ minimum: 1, description: 'Seconds until the token expires.' }),
  },
  { additionalProperties: false },
)
export type AccessTokenResponse = Static<typeof AccessTokenResponse>

/** What a login and a refresh answer: an access token and the session's next refresh token. */
export const TokenPairResponse = Type.Object(
  {
    ...AccessTokenResponse.properties,
    refreshToken: Type.String({
      description:
        'Opaque, single use: POST it to /tokens/refresh for the next pair. 256 random bits, base64url.',
    }),
    refreshExpiresIn: Type.Integer({
      minimum: 1,
      description:
        'Seconds until the session ends unless refreshed: the idle lifetime, or what is left of the absolute one.',
    }),
  },
  { additionalProperties: false },
)
export type TokenPairResponse = Static<typeof TokenPairResponse>

/** The claims of an access token: what a verifying service reads after `jwtVerify`. */
export const AccessTokenClaims = Type.Object({
  sub: Type.String({ description: 'The user id.' }),
  preferred_username: Type.String({ description: 'The username as registered.' }),
  iat: Type.Integer({ description: 'Issued at, seconds since the epoch.' }),
  exp: Type.Integer({ description: 'Expires at, seconds since the epoch.' }),
  iss: Type.String({ description: 'TOKEN_ISSUER of the service that signed it.' }),
  aud: Type.String({ description: 'TOKEN_AUDIENCE of the service that signed it.' }),
  jti: Type.String({ description: 'A unique id for this token.' }),
  sid: Type.String({
    description: 'The session the token was issued in: it ends when the session is revoked.',
  }),
})
export type AccessTokenClaims = Static<typeof AccessTokenClaims>

export const PublicJwk = Type.Object(
  {
    kty: Type.Literal('OKP'),
    crv: Type.Literal('Ed25519'),
    x: Type.String({ description: 'The public key, base64url.' }),
    kid: Type.String({ description: 'The key id: its RFC 7638 thumbprint.' }),
    alg: Type.Literal(ACCESS_TOKEN_ALGORITHM),
    use: Type.Literal('sig'),
  },
  { additionalProperties: false },
)
export type PublicJwk = Static<typeof PublicJwk>

export const JsonWebKeySet = Type.Object(
  { keys: Type.Array(PublicJwk) },
  { additionalProperties: false },
)
export type JsonWebKeySet = Static<typeof JsonWebKeySet>

export const createTokenSchema = {
  summary: 'Log in: check a password, start a session, issue an access and a refresh token',
  tags: ['tokens'],
  body: LoginBody,
  response: {
    200: TokenPairResponse,
    ...errorResponses(
      ...JSON_BODY_ERRORS,
      'INVALID_USERNAME',
      'PASSWORD_POLICY',
      'INVALID_CREDENTIALS',
      'CALLER_NOT_PERMITTED',
      'RATE_LIMITED',
      'DATABASE_UNAVAILABLE',
      ...COMMON_ERRORS,
    ),
  },
} as const

export const jwksSchema = {
  summary: 'The public keys that verify access tokens (JWKS)',
  tags: ['tokens'],
  response: { 200: JsonWebKeySet, ...errorResponses(...COMMON_ERRORS) },
} as const
