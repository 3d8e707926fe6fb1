import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { type DatabaseTarget, parseDatabaseUrl } from '@auth-service/db'
import { type Static, Type } from '@sinclair/typebox'
import { envSchema } from 'env-schema'

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

/** Where the embedded SQLite database lives when DATABASE_URL is unset. */
export const DEFAULT_SQLITE_FILE = fileURLToPath(
  new URL('../data/auth-service.sqlite', import.meta.url),
)

/** The service's settings, read from the environment: one line each. */
export const ConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  DATABASE_URL: Type.String({ minLength: 1, default: `sqlite:${DEFAULT_SQLITE_FILE}` }),
  BCRYPT_COST: Type.Integer({ minimum: 4, maximum: 15, default: 12 }),
  PASSWORD_MIN_LENGTH: Type.Integer({ minimum: 8, maximum: 64, default: 8 }),
  LOG_LEVEL: Type.Union(
    LOG_LEVELS.map((level) => Type.Literal(level)),
    { default: 'info' },
  ),
  NODE_ENV: Type.String({ default: 'development' }),
  TOKEN_TTL: Type.Integer({ minimum: 60, maximum: 86_400, default: 900 }),
  TOKEN_ISSUER: Type.String({ minLength: 1, default: 'auth-service' }),
  TOKEN_AUDIENCE: Type.String({ minLength: 1, default: 'internal-services' }),
  TOKEN_SIGNING_KEY_FILE: Type.Optional(Type.String({ minLength: 1 })),
  TOKEN_VERIFY_KEYS_DIR: Type.Optional(Type.String({ minLength: 1 })),
})
type ConfigEnv = Static<typeof ConfigSchema>

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

export interface AppConfig {
  port: number
  host: string
  database: DatabaseTarget
  bcryptCost: number
  passwordMinLength: number
  logLevel: ConfigEnv['LOG_LEVEL']
  tokens: TokenSettings
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError'
}

/**
 * Validates the environment once, at start. Throws a ConfigError naming the
 * offending variable; the entry point prints it and exits.
 */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const known = Object.fromEntries(
    Object.keys(ConfigSchema.properties)
      .filter((name) => env[name] !== undefined && env[name] !== '')
      .map((name) => [name, env[name]]),
  )
  let parsed: ConfigEnv
  try {
    parsed = envSchema<ConfigEnv>({ schema: ConfigSchema, data: known, env: false, dotenv: false })
  } catch (error) {
    throw new ConfigError(`invalid configuration: ${(error as Error).message}`)
  }
  let database: DatabaseTarget
  try {
    database = parseDatabaseUrl(parsed.DATABASE_URL)
  } catch (error) {
    throw new ConfigError(`invalid configuration: env/DATABASE_URL ${(error as Error).message}`)
  }
  return {
    port: parsed.PORT,
    host: parsed.HOST,
    database,
    bcryptCost: parsed.BCRYPT_COST,
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
  }
}

function resolvePath(file: string | undefined): string | undefined {
  return file === undefined ? undefined : path.resolve(file)
}
