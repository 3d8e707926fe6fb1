import t from 'tap'
import { startTestApp } from '../helpers/test-app.js'
import { createTestKey } from '../helpers/token-keys.js'

t.test('without a signing key file the app warns that its key is ephemeral', async (t) => {
  const { logs } = await startTestApp(t, 'sqlite::memory:')
  t.match(logs(), /"level":40,.*TOKEN_SIGNING_KEY_FILE is not set/)
})

t.test('with one it says which key signs, and does not warn', async (t) => {
  const key = createTestKey(t)
  const { logs } = await startTestApp(t, 'sqlite::memory:', {
    TOKEN_SIGNING_KEY_FILE: key.privateKeyFile,
  })
  t.match(logs(), `"signingKid":"${key.kid}"`)
  t.notMatch(logs(), /"level":40/)
})
