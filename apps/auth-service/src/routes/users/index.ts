import { findUserById } from '@auth-service/db'
import {
  currentUserSchema,
  getUserSchema,
  registerUserSchema,
  UserNotFound,
} from '@auth-service/shared'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { invalidToken } from '../../tokens/bearer.js'
import { registerUser } from '../../users/register-user.js'
import { toUserView } from '../../users/user-view.js'

const usersRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.post(
    '/users',
    { schema: registerUserSchema, onRequest: fastify.rateLimits.registerPerAddress },
    async (request, reply) => {
      const user = await registerUser(fastify, request.body)
      return reply.code(201).header('location', `/users/${user.id}`).send(toUserView(user))
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
