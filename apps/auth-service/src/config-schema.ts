import { fileURLToPath } from 'node:url'
import { type Static, Type } from '@sinclair/typebox'

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

/** Where the embedded SQLite database lives when DATABASE_URL is unset. */
export const DEFAULT_SQLITE_FILE = fileURLToPath(
  new URL('../data/auth-service.sqlite', import.meta.url),
)

const milliseconds = (minimum: number, maximum: number, defaultValue: number) =>
  Type.Integer({ minimum, maximum, default: defaultValue })
const count = (minimum: number, maximum: number, defaultValue?: number) =>
  defaultValue === undefined
    ? Type.Optional(Type.Integer({ minimum, maximum }))
    : Type.Integer({ minimum, maximum, default: defaultValue })
const optionalPath = () => Type.Optional(Type.String({ minLength: 1 }))

/** The service's settings, read from the environment: one line each. */
export const ConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  TRUST_PROXY: Type.Optional(Type.String({ minLength: 1 })),
  DATABASE_URL: Type.String({ minLength: 1, default: `sqlite:${DEFAULT_SQLITE_FILE}` }),
  DATABASE_CONNECT_TIMEOUT_MS: milliseconds(100, 60_000, 2000),
  DATABASE_QUERY_TIMEOUT_MS: milliseconds(100, 60_000, 2000),
  DATABASE_POOL_MAX: count(1, 100, 10),
  BCRYPT_COST: Type.Integer({ minimum: 4, maximum: 15, default: 12 }),
  UV_THREADPOOL_SIZE: count(1, 1024, 4),
  HASH_CONCURRENCY: count(1, 1024),
  HASH_QUEUE_LIMIT: count(0, 100_000),
  PASSWORD_MIN_LENGTH: Type.Integer({ minimum: 8, maximum: 64, default: 8 }),
  LOG_LEVEL: Type.Union(
    LOG_LEVELS.map((level) => Type.Literal(level)),
    { default: 'info' },
  ),
  NODE_ENV: Type.String({ default: 'development' }),
  TOKEN_TTL: Type.Integer({ minimum: 60, maximum: 86_400, default: 900 }),
  TOKEN_ISSUER: Type.String({ minLength: 1, default: 'auth-service' }),
  TOKEN_AUDIENCE: Type.String({ minLength: 1, default: 'internal-services' }),
  SESSION_TTL: count(60, 31_536_000, 2_592_000),
  SESSION_IDLE_TTL: count(60, 31_536_000, 604_800),
  REFRESH_REUSE_GRACE_SECONDS: count(0, 300, 10),
  CALLER_POLICY_FILE: optionalPath(),
  IDEMPOTENCY_KEY_TTL_SECONDS: count(60, 604_800, 86_400),
  TOKEN_SIGNING_KEY_FILE: optionalPath(),
  TOKEN_VERIFY_KEYS_DIR: optionalPath(),
  DOCS_UI_ENABLED: Type.Optional(Type.Boolean()),
  RATE_LIMIT_ENABLED: Type.Boolean({ default: true }),
  RATE_LIMIT_WINDOW_SECONDS: count(1, 86_400, 60),
  RATE_LIMIT_REGISTER_PER_ADDRESS: count(1, 1_000_000, 600),
  RATE_LIMIT_LOGIN_PER_ADDRESS: count(1, 1_000_000, 1200),
  RATE_LIMIT_LOGIN_PER_USERNAME: count(1, 1_000_000, 10),
  RATE_LIMIT_NOT_FOUND_PER_ADDRESS: count(1, 1_000_000, 60),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  REDIS_KEY_PREFIX: Type.String({ minLength: 1, default: 'auth-service:' }),
  MAX_EVENT_LOOP_DELAY_MS: milliseconds(0, 60_000, 1000),
  MAX_HEAP_USED_MB: count(0, 1_000_000),
  SHUTDOWN_DRAIN_DELAY_MS: milliseconds(0, 300_000, 5000),
  SHUTDOWN_TIMEOUT_MS: milliseconds(1000, 600_000, 25_000),
  TLS_CERT_FILE: optionalPath(),
  TLS_KEY_FILE: optionalPath(),
  TLS_CLIENT_CA_FILE: optionalPath(),
})
export type ConfigEnv = Static<typeof ConfigSchema>
export type LogLevel = ConfigEnv['LOG_LEVEL']
