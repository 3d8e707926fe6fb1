import { createRequire } from 'node:module'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyServerOptions } from 'fastify'
import pino, { type DestinationStream, type LoggerOptions } from 'pino'
import { AccessLogController } from './access-log.js'
import type { AppConfig } from './config.js'
import { clientErrorHandler, frameworkErrorHandler } from './errors/framework-errors.js'
import { LazyLogger } from './lazy-logger.js'
import accessTokens from './plugins/access-tokens.js'
import callers from './plugins/callers.js'
import clientCertificates from './plugins/client-certificates.js'
import database from './plugins/database.js'
import errorHandler from './plugins/error-handler.js'
import idempotency from './plugins/idempotency.js'
import jsonBody from './plugins/json-body.js'
import loadShedding from './plugins/load-shedding.js'
import metrics from './plugins/metrics.js'
import notFound from './plugins/not-found.js'
import openapi from './plugins/openapi.js'
import passwordHasher from './plugins/password-hasher.js'
import passwordPolicy from './plugins/password-policy.js'
import rateLimits from './plugins/rate-limits.js'
import registrationRollback from './plugins/registration-rollback.js'
import requestId, { requestIdGenerator } from './plugins/request-id.js'
import sessions from './plugins/sessions.js'
import shutdown from './plugins/shutdown.js'
import healthRoutes from './routes/health/index.js'
import metricsRoutes from './routes/metrics/index.js'
import sessionRoutes from './routes/sessions/index.js'
import tokenRoutes from './routes/tokens/index.js'
import usersRoutes from './routes/users/index.js'
import wellKnownRoutes from './routes/well-known/index.js'
import { tlsServerOptions } from './tls-options.js'

const requireHere = createRequire(import.meta.url)
const { version } = requireHere('../package.json') as { version: string }

export const BODY_LIMIT_BYTES = 16 * 1024
export const REQUEST_TIMEOUT_MS = 10_000

export interface BuildAppOptions {
  /** Where log lines go instead of stdout (tests capture them here). */
  logStream?: DestinationStream
  /** Human-readable logs, for a terminal. */
  prettyLogs?: boolean
  /** Milliseconds since the epoch; tests move it to expire sessions and tokens. */
  now?: () => number
}

/** Builds the service from a validated config; the caller decides whether to listen. */
export function buildApp(config: AppConfig, options: BuildAppOptions = {}) {
  const serverOptions: FastifyServerOptions = {
    // Fastify's own child logger factory, which makes request loggers with
    // this logger's `child`: lazy (lazy-logger.ts).
    loggerInstance: rootLogger(config, options),
    logController: new AccessLogController(),
    requestIdHeader: false,
    genReqId: requestIdGenerator(),
    trustProxy: trustProxyOption(config.trustProxy),
    bodyLimit: BODY_LIMIT_BYTES,
    // A request must arrive in full within this (408 otherwise): a client that
    // trickles bytes cannot hold a connection, or a shutdown, for long.
    requestTimeout: REQUEST_TIMEOUT_MS,
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    // A request arriving while the app closes is served, not refused, and
    // idle connections are closed by the shutdown plugin, after a grace.
    return503OnClosing: false,
    forceCloseConnections: false,
    ajv: {
      customOptions: {
        // A number is not a username and an unknown field is a caller's bug:
        // reject both instead of coercing or silently dropping.
        coerceTypes: false,
        removeAdditional: false,
        // The schemas are checked against draft-07's meta-schema by a test
        // (test/route-schemas.test.ts), not at every start: compiling the
        // meta-schema was about 8 % of a start's instructions (docs/performance.md).
        validateSchema: false,
      },
    },
  }
  const https = config.tls === undefined ? undefined : tlsServerOptions(config.tls)
  // The HTTPS server differs from the HTTP one only below the surface this app uses.
  const app = Fastify({
    ...serverOptions,
    ...(https ? { https } : {}),
  }).withTypeProvider<TypeBoxTypeProvider>()

  // Infrastructure first: what every route relies on, in the order requests meet it.
  app.register(metrics)
  app.register(errorHandler)
  app.register(jsonBody)
  app.register(requestId)
  app.register(shutdown)
  const mutualTls = config.tls?.clientCaFile !== undefined
  app.register(clientCertificates, { required: mutualTls })
  app.register(callers, { ...config.callers, mutualTls })
  app.register(loadShedding, config.pressure)
  app.register(rateLimits, config.rateLimits)
  app.register(notFound)
  // Keys before the database: a missing or unusable key stops the start before any migration.
  const now = options.now ?? Date.now
  app.register(accessTokens, { ...config.tokens, now })
  app.register(database, { target: config.database, limits: config.databaseLimits })
  app.register(sessions, { ...config.sessions, now })
  app.register(registrationRollback)
  app.register(idempotency, { ttlMs: config.idempotencyKeyTtlMs })
  app.register(passwordHasher, config.hashing)
  app.register(passwordPolicy, { minLength: config.passwordMinLength })
  app.register(openapi, { version, docsUi: config.docsUiEnabled })
  app.register(healthRoutes)
  app.register(metricsRoutes)
  app.register(usersRoutes)
  app.register(tokenRoutes)
  app.register(sessionRoutes)
  app.register(wellKnownRoutes)
  return app
}

export type App = ReturnType<typeof buildApp>

function rootLogger(config: AppConfig, options: BuildAppOptions): LazyLogger {
  const pinoOptions: LoggerOptions = {
    level: config.logLevel,
    // A second line of defence: no code path logs these, and if one ever
    // does, the value is censored. Named paths, no wildcards: a wildcard
    // makes pino walk every key of every line, which measured 7 µs a line.
    redact: {
      paths: [
        'password',
        'passwordHash',
        'body',
        'user.password',
        'user.passwordHash',
        'req.body',
        // ioredis errors carry the command, AUTH and its password included.
        'err.command',
      ],
      censor: '[redacted]',
    },
  }
  return new LazyLogger(pino(pinoOptions, options.logStream ?? prettyStream(options)))
}

/**
 * pino-pretty in this thread, for a person at a terminal; undefined: stdout.
 * Not a pino transport: that loads its worker by a path inside pino's
 * package, so pino could not be bundled (scripts/bundle.mjs).
 */
function prettyStream(options: BuildAppOptions): DestinationStream | undefined {
  if (!options.prettyLogs) return undefined
  // Loaded only here: bundled code would otherwise carry it into every start.
  const { build } = requireHere('pino-pretty') as typeof import('pino-pretty')
  return build()
}

// A number counts trusted hops; Fastify's types want that as a function.
function trustProxyOption(trust: AppConfig['trustProxy']): FastifyServerOptions['trustProxy'] {
  return typeof trust === 'number' ? (_address, hop) => hop < trust : trust
}
