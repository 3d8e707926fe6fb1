import { findUserById } from '@auth-service/db'
import {
  currentUserSchema,
  getUserSchema,
  IDEMPOTENCY_KEY_HEADER,
  registerUserSchema,
  UserNotFound,
  type UserView,
} from '@auth-service/shared'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import { invalidToken } from '../../tokens/bearer.js'
import { registerUser } from '../../users/register-user.js'
import { toUserView } from '../../users/user-view.js'

const usersRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.post(
    '/users',
    { schema: registerUserSchema, onRequest: fastify.rateLimits.registerPerAddress },
    async (request, reply) => {
      const key = request.headers[IDEMPOTENCY_KEY_HEADER]
      if (key === undefined) {
        const registered = await registerUser(fastify, request.body)
        // Sent, not thrown: an error sent goes to the error handler as a
        // thrown one does, without the cost of a throw.
        if (registered instanceof Error) return (reply as FastifyReply).send(registered)
        const view = toUserView(registered)
        return reply.code(201).header('location', `/users/${view.id}`).send(view)
      }
      const answer = await fastify.registerIdempotently(
        request,
        { key, body: request.body },
        async () => {
          const registered = await registerUser(fastify, request.body)
          // Thrown here: registerIdempotently stores a refusal as the key's answer.
          if (registered instanceof Error) throw registered
          return toUserView(registered)
        },
      )
      // A stored answer: one of this route's statuses, with a body its schema
      // serialized the first time, so the untyped reply is safe here.
      const untyped = reply as FastifyReply
      if (answer.replayed) untyped.header('idempotent-replayed', 'true')
      if (answer.statusCode === 201) {
        untyped.header('location', `/users/${(answer.body as UserView).id}`)
      }
      return untyped.code(answer.statusCode).send(answer.body)
    },
  )

  fastify.get('/users/me', { schema: currentUserSchema }, async (request, reply) => {
    const claims = await fastify.authenticate(request)
    const user = await findUserById(fastify.db, claims.sub)
    if (user === undefined) throw invalidToken('belongs to a user who no longer exists')
    return reply.header('cache-control', 'no-store').send(toUserView(user))
  })

  fastify.get('/users/:id', { schema: getUserSchema }, async (request) => {
    // Ids are stored in lower case; the uuid format admits either.
    const user = await findUserById(fastify.db, request.params.id.toLowerCase())
    if (user === undefined) throw new UserNotFound()
    return toUserView(user)
  })
}

export default usersRoutes
