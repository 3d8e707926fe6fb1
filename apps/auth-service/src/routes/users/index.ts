import { findUserById } from '@auth-service/db'
import {
  currentUserSchema,
  getUserSchema,
  IDEMPOTENCY_KEY_HEADER,
  type RegisterUserBody,
  registerUserSchema,
  UserNotFound,
  type UserView,
} from '@auth-service/shared'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { answerError } from '../../errors/answer-error.js'
import { invalidToken } from '../../tokens/bearer.js'
import { checkRegistration, createUser, registerUser } from '../../users/register-user.js'
import { toUserView } from '../../users/user-view.js'
import type { Username } from '../../users/username.js'

const usersRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.post(
    '/users',
    {
      schema: registerUserSchema,
      config: { permission: 'users:register' },
      onRequest: fastify.rateLimits.registerPerAddress,
    },
    (request, reply) => {
      const key = request.headers[IDEMPOTENCY_KEY_HEADER]
      if (key !== undefined) return registerWithKey(request, request.body, reply, key)
      const username = checkRegistration(fastify.passwordPolicy, request.body)
      // A refusal is answered here, without a promise: bad input is the
      // commonest request that never needs the database. Neither thrown nor
      // sent as an error: the error handler's own function answers it, without
      // a throw's cost or Fastify's error path (about 1 % of a 400).
      if (username instanceof Error) {
        answerError(username, request, reply)
        return
      }
      return registerNew(request, username, request.body.password, reply)
    },
  )

  async function registerNew(
    request: FastifyRequest,
    username: Username,
    password: string,
    reply: FastifyReply,
  ) {
    const registered = await createUser(fastify, username, password)
    if (registered instanceof Error) return answerError(registered, request, reply)
    const view = toUserView(registered)
    return reply.code(201).header('location', `/users/${view.id}`).send(view)
  }

  async function registerWithKey(
    request: FastifyRequest,
    body: RegisterUserBody,
    reply: FastifyReply,
    key: string,
  ) {
    const answer = await fastify.registerIdempotently(request, { key, body }, async () => {
      const registered = await registerUser(fastify, body)
      // Thrown here: registerIdempotently stores a refusal as the key's answer.
      if (registered instanceof Error) throw registered
      return toUserView(registered)
    })
    // A stored answer: one of this route's statuses, with a body its schema
    // serialized the first time, so the untyped reply is safe here.
    if (answer.replayed) reply.header('idempotent-replayed', 'true')
    if (answer.statusCode === 201) {
      reply.header('location', `/users/${(answer.body as UserView).id}`)
    }
    return reply.code(answer.statusCode).send(answer.body)
  }

  fastify.get('/users/me', { schema: currentUserSchema }, async (request, reply) => {
    const claims = await fastify.authenticateSession(request)
    const user = await findUserById(fastify.db, claims.sub)
    if (user === undefined) throw invalidToken('belongs to a user who no longer exists')
    return reply.header('cache-control', 'no-store').send(toUserView(user))
  })

  const read = { permission: 'users:read' } as const
  fastify.get('/users/:id', { schema: getUserSchema, config: read }, async (request) => {
    // Ids are stored in lower case; the uuid format admits either.
    const user = await findUserById(fastify.db, request.params.id.toLowerCase())
    if (user === undefined) throw new UserNotFound()
    return toUserView(user)
  })
}

export default usersRoutes
