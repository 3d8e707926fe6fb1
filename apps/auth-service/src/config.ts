import { isIP } from 'node:net'
import { availableParallelism } from 'node:os'
import path from 'node:path'
import { getHeapStatistics } from 'node:v8'
import { type DatabaseTarget, parseDatabaseUrl } from '@auth-service/db'
import { envSchema } from 'env-schema'
import { type ConfigEnv, ConfigSchema, type LogLevel } from './config-schema.js'

export { ConfigSchema, DEFAULT_SQLITE_FILE } from './config-schema.js'

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
  rateLimits: RateLimitSettings
  pressure: PressureSettings
  shutdown: ShutdownSettings
  tls: TlsSettings | undefined
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError'
}

/**
 * Validates the environment once, at start. Throws a ConfigError naming the
 * offending variable; the entry point prints it and exits.
 */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const parsed = parseEnv(env)
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
      // `Production` must not slip through as "not production" on a typo of case.
      signingKeyFileRequired: parsed.NODE_ENV.trim().toLowerCase() === 'production',
      verifyKeysDir: resolvePath(parsed.TOKEN_VERIFY_KEYS_DIR),
    },
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
    tls: tlsOf(parsed),
  }
}

function parseEnv(env: Record<string, string | undefined>): ConfigEnv {
  const known = Object.fromEntries(
    Object.keys(ConfigSchema.properties)
      .filter((name) => env[name] !== undefined && env[name] !== '')
      .map((name) => [name, env[name]]),
  )
  try {
    return envSchema<ConfigEnv>({ schema: ConfigSchema, data: known, env: false, dotenv: false })
  } catch (error) {
    throw new ConfigError(`invalid configuration: ${(error as Error).message}`)
  }
}

function databaseTargetOf(url: string): DatabaseTarget {
  try {
    return parseDatabaseUrl(url)
  } catch (error) {
    throw new ConfigError(`invalid configuration: env/DATABASE_URL ${(error as Error).message}`)
  }
}

// proxy-addr's names for address ranges, as Fastify accepts them.
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal'])

function trustProxyOf(value: string | undefined): boolean | number | string {
  if (value === undefined || value === 'false') return false
  if (value === 'true') return true
  if (/^\d+$/.test(value)) return Number(value)
  // Addresses and CIDR ranges separated by commas; checked here, or Fastify
  // would throw without naming the variable.
  for (const entry of value.split(',').map((part) => part.trim())) {
    const [address = '', prefix] = entry.split('/')
    const family = isIP(address)
    const prefixFits =
      prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (family === 6 ? 128 : 32))
    if (!PROXY_RANGE_NAMES.has(entry) && (family === 0 || !prefixFits)) {
      throw new ConfigError(
        `invalid configuration: env/TRUST_PROXY: "${entry}" is not an address, a CIDR range, loopback, linklocal or uniquelocal`,
      )
    }
  }
  return value
}

function redisUrlOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {}
  // The message never repeats the URL: it may hold a password.
  if (url === undefined || url.hostname === '') {
    throw new ConfigError(
      'invalid configuration: env/REDIS_URL must be redis://[user:password@]host[:port][/db] or rediss://…',
    )
  }
  return value
}

function shutdownOf(parsed: ConfigEnv): ShutdownSettings {
  if (parsed.SHUTDOWN_TIMEOUT_MS <= parsed.SHUTDOWN_DRAIN_DELAY_MS) {
    throw new ConfigError(
      'invalid configuration: env/SHUTDOWN_TIMEOUT_MS must be longer than SHUTDOWN_DRAIN_DELAY_MS, or in-flight requests get no time to finish',
    )
  }
  return { drainDelayMs: parsed.SHUTDOWN_DRAIN_DELAY_MS, timeoutMs: parsed.SHUTDOWN_TIMEOUT_MS }
}

function tlsOf(parsed: ConfigEnv): TlsSettings | undefined {
  const { TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile, TLS_CLIENT_CA_FILE: caFile } = parsed
  if (certFile === undefined && keyFile === undefined) {
    if (caFile === undefined) return undefined
    throw new ConfigError(
      'invalid configuration: env/TLS_CLIENT_CA_FILE needs TLS_CERT_FILE and TLS_KEY_FILE: client certificates are asked for over TLS',
    )
  }
  if (certFile === undefined || keyFile === undefined) {
    throw new ConfigError(
      `invalid configuration: env/${certFile === undefined ? 'TLS_CERT_FILE' : 'TLS_KEY_FILE'} must be set with ${certFile === undefined ? 'TLS_KEY_FILE' : 'TLS_CERT_FILE'}`,
    )
  }
  return {
    certFile: path.resolve(certFile),
    keyFile: path.resolve(keyFile),
    clientCaFile: resolvePath(caFile),
  }
}

function resolvePath(file: string | undefined): string | undefined {
  return file === undefined ? undefined : path.resolve(file)
}
