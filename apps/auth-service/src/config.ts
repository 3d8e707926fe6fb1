import { availableParallelism } from 'node:os'
import { getHeapStatistics } from 'node:v8'
import type { DatabaseTarget } from '@auth-service/db'
import { parseEnv } from './config-env.js'
import { ConfigSchema, type LogLevel } from './config-schema.js'
import {
  ConfigError,
  databaseTargetOf,
  redisUrlOf,
  resolvePath,
  sessionsOf,
  shutdownOf,
  tlsOf,
  trustProxyOf,
} from './config-values.js'

export { ConfigSchema, DEFAULT_SQLITE_FILE } from './config-schema.js'
export { ConfigError } from './config-values.js'

export interface TokenSettings {
  ttlSeconds: number
  issuer: string
  audience: string
  /** PEM file of the Ed25519 private key that signs; unset: an ephemeral key. */
  signingKeyFile: string | undefined
  /** NODE_ENV=production: an ephemeral key is refused. */
  signingKeyFileRequired: boolean
  /** Folder of PEM public keys that still verify (the previous keys, during a rotation). */
  verifyKeysDir: string | undefined
}

export interface SessionSettings {
  /** From login to the end, whatever the refreshes. */
  ttlMs: number
  /** From the last login or refresh to the end. */
  idleTtlMs: number
  /** How long a spent refresh token may be sent again for the same successor. */
  reuseGraceMs: number
}

export interface CallerSettings {
  /** JSON or YAML granting permissions to client-certificate identities. */
  policyFile: string | undefined
  /** NODE_ENV=production: without a policy, no caller acts on other users. */
  production: boolean
}

export interface DatabaseLimits {
  connectTimeoutMs: number
  queryTimeoutMs: number
  poolMax: number
}

export interface HashingSettings {
  cost: number
  /** Hashes running at once: the thread pool's size or the cores, whichever is fewer. */
  concurrency: number
  /** Hashes that may wait; unset: what waits about two seconds at this cost. */
  queueLimit: number | undefined
}

export interface RateLimitSettings {
  enabled: boolean
  windowMs: number
  registerPerAddress: number
  loginPerAddress: number
  loginPerUsername: number
  notFoundPerAddress: number
  /** Counters in Redis, shared by every replica; unset: in memory. */
  redisUrl: string | undefined
  redisKeyPrefix: string
}

export interface PressureSettings {
  /** 0: not checked. */
  maxEventLoopDelayMs: number
  /** 0: not checked. */
  maxHeapUsedBytes: number
}

export interface ShutdownSettings {
  drainDelayMs: number
  timeoutMs: number
}

export interface TlsSettings {
  certFile: string
  keyFile: string
  /** Client certificates must be signed by this CA (mutual TLS). */
  clientCaFile: string | undefined
}

export interface AppConfig {
  port: number
  host: string
  /** Fastify's trustProxy: which proxies' X-Forwarded-For to believe. */
  trustProxy: boolean | number | string
  database: DatabaseTarget
  databaseLimits: DatabaseLimits
  hashing: HashingSettings
  passwordMinLength: number
  logLevel: LogLevel
  tokens: TokenSettings
  sessions: SessionSettings
  callers: CallerSettings
  /** How long an Idempotency-Key and its answer are kept. */
  idempotencyKeyTtlMs: number
  /** The page at /docs that renders the OpenAPI document (which is always served). */
  docsUiEnabled: boolean
  rateLimits: RateLimitSettings
  pressure: PressureSettings
  shutdown: ShutdownSettings
  tls: TlsSettings | undefined
}

/**
 * Validates the environment once, at start. Throws a ConfigError naming the
 * offending variable; the entry point prints it and exits.
 */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const parsed = parseEnv(ConfigSchema, env)
  // `Production` must not slip through as "not production" on a typo of case.
  const production = parsed.NODE_ENV.trim().toLowerCase() === 'production'
  const tls = tlsOf(parsed)
  if (parsed.CALLER_POLICY_FILE !== undefined && tls?.clientCaFile === undefined) {
    throw new ConfigError(
      'invalid configuration: env/CALLER_POLICY_FILE needs TLS_CLIENT_CA_FILE: callers are told apart by their client certificates',
    )
  }
  return {
    port: parsed.PORT,
    host: parsed.HOST,
    trustProxy: trustProxyOf(parsed.TRUST_PROXY),
    database: databaseTargetOf(parsed.DATABASE_URL),
    databaseLimits: {
      connectTimeoutMs: parsed.DATABASE_CONNECT_TIMEOUT_MS,
      queryTimeoutMs: parsed.DATABASE_QUERY_TIMEOUT_MS,
      poolMax: parsed.DATABASE_POOL_MAX,
    },
    hashing: {
      cost: parsed.BCRYPT_COST,
      // More hashes at once than cores adds no throughput, and starves the
      // event loop: answers that need no hash (503s, probes, lookups) slow down.
      concurrency:
        parsed.HASH_CONCURRENCY ?? Math.min(parsed.UV_THREADPOOL_SIZE, availableParallelism()),
      queueLimit: parsed.HASH_QUEUE_LIMIT,
    },
    passwordMinLength: parsed.PASSWORD_MIN_LENGTH,
    logLevel: parsed.LOG_LEVEL,
    tokens: {
      ttlSeconds: parsed.TOKEN_TTL,
      issuer: parsed.TOKEN_ISSUER,
      audience: parsed.TOKEN_AUDIENCE,
      signingKeyFile: resolvePath(parsed.TOKEN_SIGNING_KEY_FILE),
      signingKeyFileRequired: production,
      verifyKeysDir: resolvePath(parsed.TOKEN_VERIFY_KEYS_DIR),
    },
    sessions: sessionsOf(parsed),
    callers: { policyFile: resolvePath(parsed.CALLER_POLICY_FILE), production },
    idempotencyKeyTtlMs: parsed.IDEMPOTENCY_KEY_TTL_SECONDS * 1000,
    // Off in production unless asked for: a browser page that an internal
    // service's callers do not need, whose code slows the start (README).
    docsUiEnabled: parsed.DOCS_UI_ENABLED ?? !production,
    rateLimits: {
      enabled: parsed.RATE_LIMIT_ENABLED,
      windowMs: parsed.RATE_LIMIT_WINDOW_SECONDS * 1000,
      registerPerAddress: parsed.RATE_LIMIT_REGISTER_PER_ADDRESS,
      loginPerAddress: parsed.RATE_LIMIT_LOGIN_PER_ADDRESS,
      loginPerUsername: parsed.RATE_LIMIT_LOGIN_PER_USERNAME,
      notFoundPerAddress: parsed.RATE_LIMIT_NOT_FOUND_PER_ADDRESS,
      redisUrl: redisUrlOf(parsed.REDIS_URL),
      redisKeyPrefix: parsed.REDIS_KEY_PREFIX,
    },
    pressure: {
      maxEventLoopDelayMs: parsed.MAX_EVENT_LOOP_DELAY_MS,
      // Shed before V8 runs out of heap and the process dies mid-request.
      maxHeapUsedBytes:
        parsed.MAX_HEAP_USED_MB === undefined
          ? Math.floor(getHeapStatistics().heap_size_limit * 0.9)
          : parsed.MAX_HEAP_USED_MB * 1024 * 1024,
    },
    shutdown: shutdownOf(parsed),
    tls,
  }
}
