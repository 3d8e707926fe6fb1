import { type Static, Type } from '@sinclair/typebox'
import { COMMON_ERRORS, errorResponses, JSON_BODY_ERRORS } from './error-response.js'

export const USERNAME_RULES =
  '3 to 32 characters after Unicode NFC normalization: letters (with their combining marks), digits, ".", "_" and "-", starting with a letter or digit. Case and width do not distinguish users: "Lorenzo", "lorenzo" and "Ｌｏｒｅｎｚｏ" are one user.'

export const RegisterUserBody = Type.Object(
  {
    username: Type.String({ description: USERNAME_RULES }),
    password: Type.String({
      description:
        'At least PASSWORD_MIN_LENGTH characters and at most 72 UTF-8 bytes; no U+0000; not the username; not a common password.',
    }),
  },
  { additionalProperties: false },
)
export type RegisterUserBody = Static<typeof RegisterUserBody>

/** The header that makes a registration safe to retry. */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key'

export const RegisterUserHeaders = Type.Object({
  [IDEMPOTENCY_KEY_HEADER]: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      // Printable ASCII: a key travels in a header and in logs.
      pattern: '^[\\x21-\\x7e]+$',
      description:
        'Any opaque value of up to 255 printable ASCII characters, new for each registration. A retry with the same key and body gets the first answer instead of a second user; with a different body, 422 IDEMPOTENCY_KEY_REUSED; while the first is still running, 409 REQUEST_IN_PROGRESS. Keys expire after IDEMPOTENCY_KEY_TTL_SECONDS.',
    }),
  ),
})
export type RegisterUserHeaders = Static<typeof RegisterUserHeaders>

export const UserView = Type.Object(
  {
    id: Type.String({ format: 'uuid', description: 'Opaque user id.' }),
    username: Type.String({ description: 'The username as registered (NFC-normalized).' }),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
)
export type UserView = Static<typeof UserView>

export const UserIdParams = Type.Object({
  id: Type.String({ format: 'uuid', description: 'The id returned at registration.' }),
})
export type UserIdParams = Static<typeof UserIdParams>

export const registerUserSchema = {
  summary: 'Register a user',
  tags: ['users'],
  headers: RegisterUserHeaders,
  body: RegisterUserBody,
  response: {
    201: UserView,
    ...errorResponses(
      ...JSON_BODY_ERRORS,
      'INVALID_USERNAME',
      'PASSWORD_POLICY',
      'USERNAME_TAKEN',
      'REQUEST_IN_PROGRESS',
      'IDEMPOTENCY_KEY_REUSED',
      'CALLER_NOT_PERMITTED',
      'RATE_LIMITED',
      'DATABASE_UNAVAILABLE',
      ...COMMON_ERRORS,
    ),
  },
} as const

export const getUserSchema = {
  summary: 'Look a user up by id',
  tags: ['users'],
  params: UserIdParams,
  response: {
    200: UserView,
    ...errorResponses(
      'VALIDATION_FAILED',
      'CALLER_NOT_PERMITTED',
      'USER_NOT_FOUND',
      'DATABASE_UNAVAILABLE',
      ...COMMON_ERRORS,
    ),
  },
} as const

export const currentUserSchema = {
  summary: 'The user a bearer access token was issued to',
  tags: ['users'],
  security: [{ bearerAuth: [] }],
  response: {
    200: UserView,
    ...errorResponses('INVALID_TOKEN', 'DATABASE_UNAVAILABLE', ...COMMON_ERRORS),
  },
} as const
