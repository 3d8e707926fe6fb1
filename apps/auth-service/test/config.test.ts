import { availableParallelism } from 'node:os'
import path from 'node:path'
import { getHeapStatistics } from 'node:v8'
import t from 'tap'
import { ConfigError, DEFAULT_SQLITE_FILE, loadConfig } from '../src/config.js'
import { createTestKey } from './helpers/token-keys.js'

t.test('with nothing set, the defaults apply', async (t) => {
  t.same(loadConfig({}), {
    port: 3000,
    host: '127.0.0.1',
    trustProxy: false,
    database: { dialect: 'sqlite', filename: DEFAULT_SQLITE_FILE },
    databaseLimits: { connectTimeoutMs: 2000, queryTimeoutMs: 2000, poolMax: 10 },
    hashing: { cost: 12, concurrency: Math.min(4, availableParallelism()), queueLimit: undefined },
    passwordMinLength: 8,
    logLevel: 'info',
    tokens: {
      ttlSeconds: 900,
      issuer: 'auth-service',
      audience: 'internal-services',
      signingKeyFile: undefined,
      signingKeyFileRequired: false,
      verifyKeysDir: undefined,
    },
    sessions: { ttlMs: 2_592_000_000, idleTtlMs: 604_800_000, reuseGraceMs: 10_000 },
    callers: { policyFile: undefined, production: false },
    idempotencyKeyTtlMs: 86_400_000,
    docsUiEnabled: true,
    rateLimits: {
      enabled: true,
      windowMs: 60_000,
      registerPerAddress: 600,
      loginPerAddress: 1200,
      loginPerUsername: 10,
      notFoundPerAddress: 60,
      redisUrl: undefined,
      redisKeyPrefix: 'auth-service:',
    },
    pressure: {
      maxEventLoopDelayMs: 1000,
      maxHeapUsedBytes: Math.floor(getHeapStatistics().heap_size_limit * 0.9),
    },
    shutdown: { drainDelayMs: 5000, timeoutMs: 25_000 },
    tls: undefined,
  })
  t.equal(path.basename(path.dirname(DEFAULT_SQLITE_FILE)), 'data')
})

t.test('every variable is read', async (t) => {
  const config = loadConfig({
    PORT: '8080',
    HOST: '0.0.0.0',
    DATABASE_URL: 'mysql://app:pw@db:3306/auth',
    BCRYPT_COST: '10',
    PASSWORD_MIN_LENGTH: '12',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    TOKEN_TTL: '300',
    TOKEN_ISSUER: 'https://auth.internal',
    TOKEN_AUDIENCE: 'billing',
    TOKEN_SIGNING_KEY_FILE: 'secrets/signing.pem',
    TOKEN_VERIFY_KEYS_DIR: '/etc/auth/verify',
    TRUST_PROXY: '10.0.0.0/8,127.0.0.1',
    DATABASE_CONNECT_TIMEOUT_MS: '500',
    DATABASE_QUERY_TIMEOUT_MS: '1500',
    DATABASE_POOL_MAX: '20',
    UV_THREADPOOL_SIZE: '8',
    HASH_QUEUE_LIMIT: '30',
    RATE_LIMIT_ENABLED: 'false',
    RATE_LIMIT_WINDOW_SECONDS: '10',
    RATE_LIMIT_REGISTER_PER_ADDRESS: '5',
    RATE_LIMIT_LOGIN_PER_ADDRESS: '6',
    RATE_LIMIT_LOGIN_PER_USERNAME: '3',
    RATE_LIMIT_NOT_FOUND_PER_ADDRESS: '7',
    REDIS_URL: 'redis://cache:6379',
    REDIS_KEY_PREFIX: 'auth:',
    MAX_EVENT_LOOP_DELAY_MS: '0',
    MAX_HEAP_USED_MB: '200',
    SHUTDOWN_DRAIN_DELAY_MS: '10000',
    SHUTDOWN_TIMEOUT_MS: '40000',
    TLS_CERT_FILE: 'tls/cert.pem',
    TLS_KEY_FILE: 'tls/key.pem',
    TLS_CLIENT_CA_FILE: '/etc/ca.pem',
  })
  t.match(config, {
    trustProxy: '10.0.0.0/8,127.0.0.1',
    databaseLimits: { connectTimeoutMs: 500, queryTimeoutMs: 1500, poolMax: 20 },
    hashing: { cost: 10, concurrency: Math.min(8, availableParallelism()), queueLimit: 30 },
    rateLimits: {
      enabled: false,
      windowMs: 10_000,
      registerPerAddress: 5,
      loginPerAddress: 6,
      loginPerUsername: 3,
      notFoundPerAddress: 7,
      redisUrl: 'redis://cache:6379',
      redisKeyPrefix: 'auth:',
    },
    pressure: { maxEventLoopDelayMs: 0, maxHeapUsedBytes: 200 * 1024 * 1024 },
    shutdown: { drainDelayMs: 10_000, timeoutMs: 40_000 },
    tls: {
      certFile: path.resolve('tls/cert.pem'),
      keyFile: path.resolve('tls/key.pem'),
      clientCaFile: '/etc/ca.pem',
    },
    port: 8080,
    host: '0.0.0.0',
    database: { dialect: 'mysql', host: 'db', database: 'auth' },
    passwordMinLength: 12,
    logLevel: 'warn',
    tokens: {
      ttlSeconds: 300,
      issuer: 'https://auth.internal',
      audience: 'billing',
      signingKeyFile: path.resolve('secrets/signing.pem'),
      signingKeyFileRequired: true,
      verifyKeysDir: '/etc/auth/verify',
    },
  })
})

t.test(
  'HASH_CONCURRENCY defaults to the thread-pool size or the cores, whichever is fewer',
  async (t) => {
    t.equal(loadConfig({ UV_THREADPOOL_SIZE: '1' }).hashing.concurrency, 1)
    const many = loadConfig({ UV_THREADPOOL_SIZE: '1024' })
    t.equal(many.hashing.concurrency, availableParallelism())
    t.equal(loadConfig({ UV_THREADPOOL_SIZE: '6', HASH_CONCURRENCY: '3' }).hashing.concurrency, 3)
  },
)

t.test('TRUST_PROXY: a number of hops, true, or addresses', async (t) => {
  t.equal(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2)
  t.equal(loadConfig({ TRUST_PROXY: 'true' }).trustProxy, true)
  t.equal(loadConfig({ TRUST_PROXY: 'loopback, fd00::/8' }).trustProxy, 'loopback, fd00::/8')
  const error = (() => {
    try {
      loadConfig({ REDIS_URL: 'redis://user:s3cret@exa mple:1' })
    } catch (caught) {
      return caught as Error
    }
  })()
  t.notMatch(error?.message, /s3cret/, 'a bad REDIS_URL is not repeated')
})

t.test('NODE_ENV=production is recognised in any case', async (t) => {
  for (const value of ['production', 'Production', ' PRODUCTION ']) {
    t.equal(loadConfig({ NODE_ENV: value }).tokens.signingKeyFileRequired, true, value)
  }
  t.equal(loadConfig({ NODE_ENV: 'staging' }).tokens.signingKeyFileRequired, false)
})

t.test('a bad value is refused with the variable named', async (t) => {
  const bad: Array<[string, string]> = [
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['BCRYPT_COST', '3'],
    ['BCRYPT_COST', '16'],
    ['BCRYPT_COST', '12.5'],
    // Only digits make a number: no exponent, no fraction, no hex.
    ['PORT', '1e3'],
    ['PORT', '8.0'],
    ['PORT', '0x50'],
    ['PASSWORD_MIN_LENGTH', '4'],
    ['LOG_LEVEL', 'loud'],
    ['TOKEN_TTL', 'forever'],
    ['TOKEN_TTL', '59'],
    ['TOKEN_TTL', '86401'],
    ['HASH_CONCURRENCY', '0'],
    ['RATE_LIMIT_ENABLED', 'maybe'],
    ['DOCS_UI_ENABLED', 'maybe'],
    ['REDIS_URL', 'http://cache:6379'],
    ['REDIS_URL', 'redis://user:s3cret@exa mple:1'],
    ['TRUST_PROXY', 'foo'],
    ['TRUST_PROXY', '10.0.0.0/33'],
    ['DATABASE_QUERY_TIMEOUT_MS', '10'],
    ['SHUTDOWN_TIMEOUT_MS', '1000'],
    ['DATABASE_URL', 'postgres://u:topsecret@h/db'],
    ['DATABASE_URL', 'mysql://u:topsecret@h'],
  ]
  for (const [name, value] of bad) {
    t.throws(
      () => loadConfig({ [name]: value }),
      { name: 'ConfigError', message: new RegExp(name) },
      `${name}=${value}`,
    )
  }
  try {
    loadConfig({ DATABASE_URL: 'postgres://u:topsecret@h/db' })
  } catch (error) {
    t.type(error, ConfigError)
    t.notMatch((error as Error).message, /topsecret/, 'the password is not repeated')
  }
})

t.test('blanks around a number are allowed, as a secret file ends with a newline', async (t) => {
  t.equal(loadConfig({ PORT: ' 8080\n' }).port, 8080)
})

t.test('a refusal says what the variable must be', async (t) => {
  t.throws(() => loadConfig({ PORT: '70000' }), {
    message: 'invalid configuration: env/PORT expected integer to be less or equal to 65535',
  })
  t.throws(() => loadConfig({ LOG_LEVEL: 'loud' }), {
    message:
      'invalid configuration: env/LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
  })
  t.throws(() => loadConfig({ RATE_LIMIT_ENABLED: 'yes' }), {
    message: 'invalid configuration: env/RATE_LIMIT_ENABLED expected boolean',
  })
})

t.test('the docs page is on outside production, off in production, unless set', async (t) => {
  const key = createTestKey(t).privateKeyFile
  const production = { NODE_ENV: 'production', TOKEN_SIGNING_KEY_FILE: key }
  t.equal(loadConfig({}).docsUiEnabled, true)
  t.equal(loadConfig(production).docsUiEnabled, false)
  t.equal(loadConfig({ ...production, DOCS_UI_ENABLED: 'true' }).docsUiEnabled, true)
  t.equal(loadConfig({ DOCS_UI_ENABLED: 'false' }).docsUiEnabled, false)
})
