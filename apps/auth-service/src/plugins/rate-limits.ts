import { RateLimited } from '@auth-service/shared'
import rateLimit from '@fastify/rate-limit'
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { Redis } from 'ioredis'
import type { RateLimitSettings } from '../config.js'
import type { ErrorWithHeaders } from '../errors/classify-error.js'
import { canonicalUsername } from '../users/username.js'

type LimitHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>

/** The hooks each route puts in front of itself; empty when limits are off. */
export interface RateLimitHooks {
  registerPerAddress: LimitHook[]
  loginPerAddress: LimitHook[]
  /** A preHandler: it reads the validated body. */
  loginPerUsername: LimitHook[]
  notFoundPerAddress: LimitHook[]
}

declare module 'fastify' {
  interface FastifyInstance {
    rateLimits: RateLimitHooks
  }
}

/**
 * @fastify/rate-limit, per client address on registration and login, and per
 * canonical username on login, which slows guessing one account's password
 * from many addresses. Counters live in Redis when REDIS_URL is set, so the
 * limits hold across replicas; in memory otherwise.
 */
export default fp<RateLimitSettings>(
  async (fastify, settings) => {
    if (!settings.enabled) {
      fastify.decorate('rateLimits', {
        registerPerAddress: [],
        loginPerAddress: [],
        loginPerUsername: [],
        notFoundPerAddress: [],
      })
      return
    }
    const redis =
      settings.redisUrl === undefined ? undefined : connectRedis(settings.redisUrl, fastify.log)
    if (redis) {
      fastify.addHook('onClose', async () => {
        redis.disconnect()
      })
    }
    await fastify.register(rateLimit, {
      global: false,
      timeWindow: settings.windowMs,
      ...(redis ? { redis, nameSpace: `${settings.redisKeyPrefix}rate-limit:` } : {}),
      // Redis down: requests pass rather than fail; hashing admission still
      // bounds the work, and the log says the limits are off.
      skipOnError: true,
    })

    const limit = (name: string, max: number, keyOf: (request: FastifyRequest) => string) => {
      const check = fastify.createRateLimit({
        max,
        timeWindow: settings.windowMs,
        // Every limit shares one key space in the store: the name keeps them apart.
        keyGenerator: (request) => `${name}:${keyOf(request)}`,
      })
      const hook: LimitHook = async (request, reply) => {
        const result = await check(request)
        if (result.isAllowed) return
        reply.headers({
          'ratelimit-limit': result.max,
          'ratelimit-remaining': result.remaining,
          'ratelimit-reset': result.ttlInSeconds,
        })
        if (!result.isExceeded) return
        fastify.metrics.rateLimitRejections.inc({ limit: name })
        throw rateLimited(result.ttlInSeconds)
      }
      return [hook]
    }
    const address = (request: FastifyRequest) => request.ip
    const username = (request: FastifyRequest) =>
      canonicalUsername(String((request.body as { username?: unknown }).username))

    fastify.decorate('rateLimits', {
      registerPerAddress: limit('register-address', settings.registerPerAddress, address),
      loginPerAddress: limit('login-address', settings.loginPerAddress, address),
      loginPerUsername: limit('login-username', settings.loginPerUsername, username),
      notFoundPerAddress: limit('not-found-address', settings.notFoundPerAddress, address),
    })
  },
  { name: 'rate-limits', dependencies: ['metrics'] },
)

function rateLimited(retryAfterSeconds: number): ErrorWithHeaders {
  const error: ErrorWithHeaders = new RateLimited(retryAfterSeconds)
  error.headers = { 'retry-after': String(retryAfterSeconds) }
  return error
}

function connectRedis(url: string, log: FastifyBaseLogger): Redis {
  // Fail fast: a command that waits for a reconnect holds a request up.
  const redis = new Redis(url, {
    connectTimeout: 1000,
    commandTimeout: 500,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
  })
  let reachable = true
  redis.on('ready', () => {
    reachable = true
    log.info('Redis connected: rate-limit counters are shared')
  })
  redis.on('error', (error) => {
    if (!reachable) return
    reachable = false
    log.warn({ err: error }, 'Redis unreachable: rate limits let requests pass')
  })
  return redis
}
