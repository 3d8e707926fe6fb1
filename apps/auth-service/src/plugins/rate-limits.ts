import { RateLimited } from '@auth-service/shared'
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Redis } from 'ioredis'
import { Counter } from 'prom-client'
import type { RateLimitSettings } from '../config.js'
import { withHeaders } from '../errors/classify-error.js'
import { checkUsername } from '../users/username.js'

type LimitHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>

/** The hooks each route puts in front of itself; empty when limits are off. */
export interface RateLimitHooks {
  registerPerAddress: LimitHook[]
  loginPerAddress: LimitHook[]
  /** Failed logins per username: a preHandler that refuses, an onResponse that counts. */
  loginFailuresPerUsername: { preHandler: LimitHook[]; onResponse: LimitHook[] }
  notFoundPerAddress: LimitHook[]
}

declare module 'fastify' {
  interface FastifyInstance {
    rateLimits: RateLimitHooks
  }
}

// The in-memory store forgets the least recent keys past this many: large
// enough that flooding it with names cannot cheaply evict a guessed account.
const MEMORY_STORE_KEYS = 100_000

/**
 * @fastify/rate-limit, per client address on registration and login, and on
 * failed logins per canonical username from any address, which slows
 * guessing one account's password from many addresses. Counters live in
 * Redis when REDIS_URL is set, so the limits hold across replicas; in memory
 * otherwise.
 */
export default fp<RateLimitSettings>(
  async (fastify, settings) => {
    const rejections = new Counter({
      name: 'rate_limit_rejections_total',
      help: 'Requests answered 429, by limit',
      labelNames: ['limit'] as const,
      registers: [fastify.metrics.registry],
    })
    if (!settings.enabled) {
      fastify.decorate('rateLimits', {
        registerPerAddress: [],
        loginPerAddress: [],
        loginFailuresPerUsername: { preHandler: [], onResponse: [] },
        notFoundPerAddress: [],
      })
      return
    }
    // Loaded only when used: with limits off, or without Redis, start-up skips their modules.
    const { default: rateLimit, normalizeIP } = await import('@fastify/rate-limit')
    const redis =
      settings.redisUrl === undefined
        ? undefined
        : await connectRedis(settings.redisUrl, fastify.log)
    if (redis) {
      fastify.addHook('onClose', async () => {
        redis.disconnect()
      })
    }
    await fastify.register(rateLimit, {
      global: false,
      timeWindow: settings.windowMs,
      cache: MEMORY_STORE_KEYS,
      ...(redis ? { redis, nameSpace: `${settings.redisKeyPrefix}rate-limit:` } : {}),
      // Redis down: requests pass rather than fail; hashing admission still
      // bounds the work, and the log says the limits are off.
      skipOnError: true,
    })

    const counter = (name: string, max: number, keyOf: (request: FastifyRequest) => string) =>
      fastify.createRateLimit({
        max,
        timeWindow: settings.windowMs,
        // Every limit shares one key space in the store: the name keeps them apart.
        keyGenerator: (request) => `${name}:${keyOf(request)}`,
      })
    const refuse = (name: string, retryAfterSeconds: number) => {
      rejections.inc({ limit: name })
      return withHeaders(new RateLimited(retryAfterSeconds), {
        'retry-after': String(retryAfterSeconds),
      })
    }
    // A calling service by its certificate identity: behind a mesh its pods
    // share that, not an address. Else by address, IPv6 per /64, as one host
    // usually holds a whole one.
    const callerOrAddress = (request: FastifyRequest) =>
      request.caller === null ? normalizeIP(request.ip, 64) : `caller ${request.caller}`

    const perAddress = (name: string, max: number): LimitHook[] => {
      const check = counter(name, max, callerOrAddress)
      return [
        async (request, reply) => {
          const result = await check(request)
          // Allowed without counting: only an allow list does that, and we have none.
          if (result.isAllowed) return
          reply.headers({
            'ratelimit-limit': result.max,
            'ratelimit-remaining': result.remaining,
            'ratelimit-reset': result.ttlInSeconds,
          })
          if (result.isExceeded) throw refuse(name, result.ttlInSeconds)
        },
      ]
    }

    // Only names someone could have count; a 400 for another costs nothing.
    // Successful logins do not count, so an account's owner spends none of it.
    const username = (request: FastifyRequest) => usernameOf(request) ?? ''
    const failures = counter('login-username', settings.loginPerUsername, username)
    const loginFailuresPerUsername = {
      preHandler: [
        async (request: FastifyRequest) => {
          if (usernameOf(request) === undefined) return
          const seen = await failures(request, { increment: false })
          if (!seen.isAllowed && seen.remaining <= 0)
            throw refuse('login-username', seen.ttlInSeconds)
        },
      ],
      onResponse: [
        async (request: FastifyRequest, reply: FastifyReply) => {
          if (reply.statusCode === 401 && usernameOf(request) !== undefined) {
            await failures(request)
          }
        },
      ],
    }

    fastify.decorate('rateLimits', {
      registerPerAddress: perAddress('register-address', settings.registerPerAddress),
      loginPerAddress: perAddress('login-address', settings.loginPerAddress),
      loginFailuresPerUsername,
      notFoundPerAddress: perAddress('not-found-address', settings.notFoundPerAddress),
    })
  },
  { name: 'rate-limits', dependencies: ['metrics', 'callers'] },
)

function usernameOf(request: FastifyRequest): string | undefined {
  const raw = (request.body as { username?: unknown } | undefined)?.username
  if (typeof raw !== 'string') return undefined
  const username = checkUsername(raw)
  return username instanceof Error ? undefined : username.canonical
}

async function connectRedis(url: string, log: FastifyBaseLogger): Promise<Redis> {
  const { Redis } = await import('ioredis')
  // Fail fast: a command that waits for a reconnect holds a request up.
  const redis = new Redis(url, {
    connectTimeout: 1000,
    commandTimeout: 500,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
  })
  let healthy = true
  redis.on('ready', () => {
    healthy = true
    log.info('Redis connected: rate-limit counters are shared')
  })
  redis.on('error', (error: Error & { code?: string }) => {
    if (!healthy) return
    healthy = false
    // Never the error object: ioredis puts the AUTH command, password and
    // all, in its `command` property.
    log.warn(
      { reason: error.code ?? error.name, message: error.message },
      'Redis failed: rate limits let requests pass',
    )
  })
  return redis
}
