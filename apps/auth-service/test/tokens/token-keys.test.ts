import { generateKeyPairSync } from 'node:crypto'
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { loadTokenKeys, type TokenKeyFiles } from '../../src/tokens/token-keys.js'
import { createTestKey, tempDir } from '../helpers/token-keys.js'

const NONE: TokenKeyFiles = {
  signingKeyFile: undefined,
  signingKeyFileRequired: false,
  verifyKeysDir: undefined,
}

t.test('a configured signing key is published by its thumbprint, public half only', async (t) => {
  const key = createTestKey(t)
  const keys = await loadTokenKeys({ ...NONE, signingKeyFile: key.privateKeyFile })
  t.equal(keys.ephemeral, false)
  t.equal(keys.signingKid, key.kid)
  t.same(keys.jwks.keys, [key.publishedJwk])
  t.notOk('d' in (keys.jwks.keys[0] ?? {}), 'no private part')
})

t.test('without a key file an ephemeral key signs, unless one is required', async (t) => {
  const keys = await loadTokenKeys(NONE)
  t.equal(keys.ephemeral, true)
  t.equal(keys.jwks.keys.length, 1)
  await t.rejects(loadTokenKeys({ ...NONE, signingKeyFileRequired: true }), {
    name: 'ConfigError',
    message: /TOKEN_SIGNING_KEY_FILE must be set when NODE_ENV=production/,
  })
})

t.test('verify keys: every .pem in the folder, deduplicated, hidden entries skipped', async (t) => {
  const signing = createTestKey(t)
  const previous = createTestKey(t)
  const dir = tempDir(t)
  copyFileSync(previous.publicKeyFile, path.join(dir, 'previous.pem'))
  // A private key file works too: only its public half is kept.
  copyFileSync(previous.privateKeyFile, path.join(dir, 'previous-private.pem'))
  copyFileSync(signing.publicKeyFile, path.join(dir, 'current.pem'))
  // What a Kubernetes Secret volume holds besides the keys.
  mkdirSync(path.join(dir, '..2026_11_25_10_00_00.123'))
  writeFileSync(path.join(dir, '.hidden.pem'), 'not a key')
  writeFileSync(path.join(dir, 'README'), 'not a key either')
  const keys = await loadTokenKeys({
    ...NONE,
    signingKeyFile: signing.privateKeyFile,
    verifyKeysDir: dir,
  })
  t.same(
    keys.jwks.keys.map((jwk) => jwk.kid),
    [signing.kid, previous.kid],
    'the signing key first, each key once',
  )
  for (const jwk of keys.jwks.keys) t.notOk('d' in jwk)
})

t.test('unusable key files stop the start, naming the variable and file only', async (t) => {
  const dir = tempDir(t)
  const write = (name: string, content: string | Buffer) => {
    writeFileSync(path.join(dir, name), content)
    return path.join(dir, name)
  }
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const rsaPem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' })
  const ed = createTestKey(t)
  const cases: Array<[string, TokenKeyFiles, RegExp]> = [
    [
      'missing file',
      { ...NONE, signingKeyFile: path.join(dir, 'absent.pem') },
      /TOKEN_SIGNING_KEY_FILE: .*absent\.pem cannot be read \(ENOENT\)/,
    ],
    [
      'not PEM',
      { ...NONE, signingKeyFile: write('garbage.pem', 'hello') },
      /TOKEN_SIGNING_KEY_FILE: .*garbage\.pem is not a PEM private key/,
    ],
    [
      'a public key where the private one belongs',
      { ...NONE, signingKeyFile: ed.publicKeyFile },
      /TOKEN_SIGNING_KEY_FILE: .* is not a PEM private key/,
    ],
    [
      'an RSA key',
      { ...NONE, signingKeyFile: write('rsa.pem', rsaPem) },
      /TOKEN_SIGNING_KEY_FILE: .*rsa\.pem holds a rsa key; .*Ed25519/,
    ],
    [
      'a missing verify folder',
      { ...NONE, verifyKeysDir: path.join(dir, 'nowhere') },
      /TOKEN_VERIFY_KEYS_DIR: .*nowhere cannot be read \(ENOENT\)/,
    ],
  ]
  for (const [name, files, message] of cases) {
    const error = await loadTokenKeys(files).catch((e: Error) => e)
    t.match(error, { name: 'ConfigError', message }, name)
    t.notMatch(String((error as Error).message), /BEGIN|MII/, `${name}: no key material`)
  }
  const badFolder = tempDir(t)
  writeFileSync(path.join(badFolder, 'rsa.pem'), rsaPem)
  await t.rejects(loadTokenKeys({ ...NONE, verifyKeysDir: badFolder }), {
    message: /TOKEN_VERIFY_KEYS_DIR: .*rsa\.pem holds a rsa key/,
  })
})
