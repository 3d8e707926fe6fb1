import { type Static, Type } from '@sinclair/typebox'
import { COMMON_ERRORS, errorResponses, JSON_BODY_ERRORS } from './error-response.js'
import { TokenPairResponse } from './tokens.js'

// Long enough for any token we issue (an access token is about 600 characters), short enough to bound the work.
const opaqueToken = (description: string) => Type.String({ maxLength: 4096, description })

export const RefreshTokenBody = Type.Object(
  { refreshToken: opaqueToken('The refresh token of the last login or refresh.') },
  { additionalProperties: false },
)
export type RefreshTokenBody = Static<typeof RefreshTokenBody>

export const RevokeTokenBody = Type.Object(
  { token: opaqueToken('A refresh token of the session to end (RFC 7009).') },
  { additionalProperties: false },
)
export type RevokeTokenBody = Static<typeof RevokeTokenBody>

export const IntrospectTokenBody = Type.Object(
  { token: opaqueToken('An access token (RFC 7662).') },
  { additionalProperties: false },
)
export type IntrospectTokenBody = Static<typeof IntrospectTokenBody>

/** RFC 7662's answer: the claims only while the token verifies and its session is live. */
export const IntrospectionResponse = Type.Object(
  {
    active: Type.Boolean(),
    sub: Type.Optional(Type.String({ description: 'The user id.' })),
    sid: Type.Optional(Type.String({ description: 'The session id.' })),
    username: Type.Optional(Type.String({ description: 'The username as registered.' })),
    exp: Type.Optional(Type.Integer()),
    iat: Type.Optional(Type.Integer()),
    iss: Type.Optional(Type.String()),
    aud: Type.Optional(Type.String()),
    jti: Type.Optional(Type.String()),
    token_type: Type.Optional(Type.Literal('Bearer')),
  },
  { additionalProperties: false },
)
export type IntrospectionResponse = Static<typeof IntrospectionResponse>

/** What revoke and introspect can fail with: they answer 200 for any token. */
const ANSWERED_ERRORS = [
  ...JSON_BODY_ERRORS,
  'CALLER_NOT_PERMITTED',
  'DATABASE_UNAVAILABLE',
  ...COMMON_ERRORS,
] as const

export const refreshTokenSchema = {
  summary: 'Spend a refresh token for a new access token and a new refresh token',
  description:
    'Rotation: the token sent is spent. Sent again within REFRESH_REUSE_GRACE_SECONDS of its first use it gets the same new refresh token as the first answer and a fresh access token; sent again later it is taken for stolen and its session ends.',
  tags: ['tokens'],
  body: RefreshTokenBody,
  response: {
    200: TokenPairResponse,
    ...errorResponses(
      ...JSON_BODY_ERRORS,
      'INVALID_REFRESH_TOKEN',
      'CALLER_NOT_PERMITTED',
      'DATABASE_UNAVAILABLE',
      ...COMMON_ERRORS,
    ),
  },
} as const

export const revokeTokenSchema = {
  summary: "End a refresh token's session (RFC 7009); 200 whether or not the token was known",
  tags: ['tokens'],
  body: RevokeTokenBody,
  response: {
    200: Type.Object({}, { additionalProperties: false }),
    ...errorResponses(...ANSWERED_ERRORS),
  },
} as const

export const introspectTokenSchema = {
  summary: 'Whether an access token verifies and its session is live (RFC 7662)',
  tags: ['tokens'],
  body: IntrospectTokenBody,
  response: {
    200: IntrospectionResponse,
    ...errorResponses(...ANSWERED_ERRORS),
  },
} as const
