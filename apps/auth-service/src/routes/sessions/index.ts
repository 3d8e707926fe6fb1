import { findUserById } from '@auth-service/db'
import {
  endMyOtherSessionsSchema,
  endMySessionSchema,
  endUserSessionSchema,
  endUserSessionsSchema,
  listMySessionsSchema,
  listUserSessionsSchema,
  SessionNotFound,
  UserNotFound,
} from '@auth-service/shared'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { toSessionView } from '../../sessions/session-view.js'

/** The bearer token's user's sessions, and, with sessions:manage, any user's. */
const sessionRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { sessions } = fastify
  const manage = { permission: 'sessions:manage' } as const

  fastify.get('/users/me/sessions', { schema: listMySessionsSchema }, async (request, reply) => {
    const { sub, sid } = await fastify.authenticateSession(request)
    const listed = await sessions.list(sub)
    reply.header('cache-control', 'no-store')
    return { sessions: listed.map((session) => toSessionView(session, sid)) }
  })

  fastify.delete(
    '/users/me/sessions',
    { schema: endMyOtherSessionsSchema },
    async (request, reply) => {
      const { sub, sid } = await fastify.authenticateSession(request)
      await sessions.end({ userId: sub, exceptSessionId: sid }, 'user', request.log)
      return reply.code(204).send(null)
    },
  )

  fastify.delete(
    '/users/me/sessions/:id',
    { schema: endMySessionSchema },
    async (request, reply) => {
      const { sub } = await fastify.authenticateSession(request)
      const sessionId = request.params.id.toLowerCase()
      const ended = await sessions.end({ sessionId, userId: sub }, 'logout', request.log)
      if (ended.length === 0) throw new SessionNotFound()
      return reply.code(204).send(null)
    },
  )

  /** The path's user id as stored (lower case); 404 USER_NOT_FOUND when no user has it. */
  async function existingUserId(params: { id: string }): Promise<string> {
    const userId = params.id.toLowerCase()
    if ((await findUserById(fastify.db, userId)) === undefined) throw new UserNotFound()
    return userId
  }

  fastify.get(
    '/users/:id/sessions',
    { schema: listUserSessionsSchema, config: manage },
    async (request, reply) => {
      const userId = await existingUserId(request.params)
      reply.header('cache-control', 'no-store')
      return { sessions: (await sessions.list(userId)).map((session) => toSessionView(session)) }
    },
  )

  fastify.delete(
    '/users/:id/sessions',
    { schema: endUserSessionsSchema, config: manage },
    async (request, reply) => {
      const userId = await existingUserId(request.params)
      await sessions.end({ userId }, 'admin', request.log)
      return reply.code(204).send(null)
    },
  )

  fastify.delete(
    '/users/:id/sessions/:sessionId',
    { schema: endUserSessionSchema, config: manage },
    async (request, reply) => {
      const userId = await existingUserId(request.params)
      const sessionId = request.params.sessionId.toLowerCase()
      const ended = await sessions.end({ sessionId, userId }, 'admin', request.log)
      if (ended.length === 0) throw new SessionNotFound()
      return reply.code(204).send(null)
    },
  )
}

export default sessionRoutes
