import { type Static, Type } from '@sinclair/typebox'
import { COMMON_ERRORS, errorResponses } from './error-response.js'

const uuid = (description: string) => Type.String({ format: 'uuid', description })

/** What may be shown of a session: never a token or its hash. */
export const SessionView = Type.Object(
  {
    id: uuid('The session id: the `sid` claim of its access tokens.'),
    createdAt: Type.String({ format: 'date-time', description: 'The login.' }),
    lastUsedAt: Type.String({ format: 'date-time', description: 'The last login or refresh.' }),
    expiresAt: Type.String({
      format: 'date-time',
      description: 'When it ends unless refreshed before: the idle or the absolute limit.',
    }),
    createdBy: Type.Union([Type.String(), Type.Null()], {
      description:
        'The identity of the calling service that logged the user in (its client certificate), or null without mutual TLS.',
    }),
    current: Type.Optional(
      Type.Boolean({ description: 'The session of the bearer token (GET /users/me/sessions).' }),
    ),
  },
  { additionalProperties: false },
)
export type SessionView = Static<typeof SessionView>

export const SessionList = Type.Object(
  {
    sessions: Type.Array(SessionView, {
      description: 'Live sessions, newest first; at most the 100 newest.',
    }),
  },
  { additionalProperties: false },
)
export type SessionList = Static<typeof SessionList>

export const SessionIdParams = Type.Object({ id: uuid('A session id.') })
export const UserSessionParams = Type.Object({
  id: uuid('A user id.'),
  sessionId: uuid('A session id of that user.'),
})

const OWN_ERRORS = ['INVALID_TOKEN', 'DATABASE_UNAVAILABLE', ...COMMON_ERRORS] as const
const OTHERS_ERRORS = [
  'VALIDATION_FAILED',
  'CALLER_NOT_PERMITTED',
  'USER_NOT_FOUND',
  'DATABASE_UNAVAILABLE',
  ...COMMON_ERRORS,
] as const
const ended = { 204: Type.Null({ description: 'Ended (or already gone).' }) }

export const listMySessionsSchema = {
  summary: "The bearer token's user's live sessions",
  tags: ['sessions'],
  security: [{ bearerAuth: [] }],
  response: { 200: SessionList, ...errorResponses(...OWN_ERRORS) },
} as const

export const endMySessionSchema = {
  summary: "End one of the bearer token's user's sessions",
  tags: ['sessions'],
  security: [{ bearerAuth: [] }],
  params: SessionIdParams,
  response: {
    204: Type.Null({ description: 'Ended.' }),
    ...errorResponses('VALIDATION_FAILED', 'SESSION_NOT_FOUND', ...OWN_ERRORS),
  },
} as const

export const endMyOtherSessionsSchema = {
  summary: "End every session of the bearer token's user but the token's own",
  tags: ['sessions'],
  security: [{ bearerAuth: [] }],
  response: { ...ended, ...errorResponses(...OWN_ERRORS) },
} as const

export const listUserSessionsSchema = {
  summary: "A user's live sessions (permission sessions:manage)",
  tags: ['sessions'],
  params: Type.Object({ id: uuid('A user id.') }),
  response: { 200: SessionList, ...errorResponses(...OTHERS_ERRORS) },
} as const

export const endUserSessionsSchema = {
  summary: 'End every session of a user (permission sessions:manage)',
  tags: ['sessions'],
  params: Type.Object({ id: uuid('A user id.') }),
  response: { ...ended, ...errorResponses(...OTHERS_ERRORS) },
} as const

export const endUserSessionSchema = {
  summary: 'End one session of a user (permission sessions:manage)',
  tags: ['sessions'],
  params: UserSessionParams,
  response: {
    204: Type.Null({ description: 'Ended.' }),
    ...errorResponses('SESSION_NOT_FOUND', ...OTHERS_ERRORS),
  },
} as const
