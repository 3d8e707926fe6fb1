import path from 'node:path'
import t from 'tap'
import { ConfigError, DEFAULT_SQLITE_FILE, loadConfig } from '../src/config.js'

t.test('with nothing set, the defaults apply', async (t) => {
  t.same(loadConfig({}), {
    port: 3000,
    host: '127.0.0.1',
    database: { dialect: 'sqlite', filename: DEFAULT_SQLITE_FILE },
    bcryptCost: 12,
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
  })
  t.match(config, {
    port: 8080,
    host: '0.0.0.0',
    database: { dialect: 'mysql', host: 'db', database: 'auth' },
    bcryptCost: 10,
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
    ['PASSWORD_MIN_LENGTH', '4'],
    ['LOG_LEVEL', 'loud'],
    ['TOKEN_TTL', 'forever'],
    ['TOKEN_TTL', '59'],
    ['TOKEN_TTL', '86401'],
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
