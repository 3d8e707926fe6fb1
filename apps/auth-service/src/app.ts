import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyServerOptions } from 'fastify'
import type { DestinationStream } from 'pino'
import { AccessLogController } from './access-log.js'
import type { AppConfig } from './config.js'
import { clientErrorHandler, frameworkErrorHandler } from './errors/framework-errors.js'
import accessTokens from './plugins/access-tokens.js'
import database from './plugins/database.js'
import errorHandler from './plugins/error-handler.js'
import jsonBody from './plugins/json-body.js'
import passwordHasher from './plugins/password-hasher.js'
import passwordPolicy from './plugins/password-policy.js'
import requestId, { requestIdFor } from './plugins/request-id.js'
import shutdown from './plugins/shutdown.js'
import healthRoutes from './routes/health/index.js'
import tokenRoutes from './routes/tokens/index.js'
import usersRoutes from './routes/users/index.js'
import wellKnownRoutes from './routes/well-known/index.js'

export const BODY_LIMIT_BYTES = 16 * 1024

export interface BuildAppOptions {
  /** Where log lines go instead of stdout (tests capture them here). */
  logStream?: DestinationStream
  /** Human-readable logs, for a terminal. */
  prettyLogs?: boolean
}

/** Builds the service from a validated config; the caller decides whether to listen. */
export function buildApp(config: AppConfig, options: BuildAppOptions = {}) {
  const app = Fastify({
    logger: loggerOptions(config, options),
    logController: new AccessLogController(),
    requestIdHeader: false,
    genReqId: requestIdFor,
    bodyLimit: BODY_LIMIT_BYTES,
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    // A request arriving while the app closes is served, not refused: the
    // shutdown plugin marks its answer `Connection: close`.
    return503OnClosing: false,
    ajv: {
      // A number is not a username and an unknown field is a caller's bug:
      // reject both instead of coercing or silently dropping.
      customOptions: { coerceTypes: false, removeAdditional: false },
    },
  }).withTypeProvider<TypeBoxTypeProvider>()

  app.register(errorHandler)
  app.register(jsonBody)
  app.register(requestId)
  app.register(shutdown)
  // Keys first: a missing or unusable key stops the start before any migration runs.
  app.register(accessTokens, config.tokens)
  app.register(database, { target: config.database })
  app.register(passwordHasher, { cost: config.bcryptCost })
  app.register(passwordPolicy, { minLength: config.passwordMinLength })
  app.register(healthRoutes)
  app.register(usersRoutes)
  app.register(tokenRoutes)
  app.register(wellKnownRoutes)
  return app
}

export type App = ReturnType<typeof buildApp>

function loggerOptions(
  config: AppConfig,
  options: BuildAppOptions,
): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    // A second line of defence: no code path logs these, and if one ever
    // does, the value is censored.
    redact: {
      paths: ['password', '*.password', 'passwordHash', '*.passwordHash', 'body', '*.body'],
      censor: '[redacted]',
    },
    ...(options.logStream ? { stream: options.logStream } : {}),
    ...(options.prettyLogs && !options.logStream ? { transport: { target: 'pino-pretty' } } : {}),
  }
}
