import t from 'tap'
import { assertErrorBody, countUsers, registerUser } from '../helpers/requests.js'
import { forEachDialect } from '../helpers/test-app.js'
import { createTestKey } from '../helpers/token-keys.js'

const PASSWORD = 'an idempotent passphrase'
const key = (name: string) => ({ 'idempotency-key': name })

t.test(
  'a repeat with the same key and body gets the first answer, and no second user',
  async (t) => {
    forEachDialect(t, async (t, { app, logs }) => {
      const body = { username: 'Once', password: PASSWORD }
      const first = await registerUser(app, body, key('key-1'))
      t.equal(first.statusCode, 201)
      t.notOk(first.headers['idempotent-replayed'])
      const again = await registerUser(app, body, key('key-1'))
      t.equal(again.statusCode, 201)
      t.equal(again.headers['idempotent-replayed'], 'true')
      t.equal(again.body, first.body, 'the same body, the same user id')
      t.equal(again.headers.location, first.headers.location)
      t.equal(await countUsers(app), 1)
      const other = await registerUser(app, { username: 'Twice', password: PASSWORD }, key('key-2'))
      t.equal(other.statusCode, 201, 'another key is another request')
      t.notMatch(logs(), PASSWORD)
    })
  },
)

t.test('the same key with another body is 422 IDEMPOTENCY_KEY_REUSED', async (t) => {
  forEachDialect(t, async (t, { app }) => {
    await registerUser(app, { username: 'Reused', password: PASSWORD }, key('reused'))
    for (const body of [
      { username: 'Reused', password: 'a different passphrase' },
      { username: 'Someone', password: PASSWORD },
    ]) {
      const refused = await registerUser(app, body, key('reused'))
      assertErrorBody(t, refused, 422, 'IDEMPOTENCY_KEY_REUSED')
    }
    t.equal(await countUsers(app), 1)
  })
})

t.test(
  'concurrent requests with one key make one user; the others hear 409 or the answer',
  async (t) => {
    forEachDialect(t, async (t, { app }) => {
      const body = { username: 'Racer', password: PASSWORD }
      const answers = await Promise.all(
        Array.from({ length: 12 }, () => registerUser(app, body, key('race'))),
      )
      const created = answers.filter((a) => a.statusCode === 201)
      const inProgress = answers.filter((a) => a.statusCode === 409)
      t.equal(created.length + inProgress.length, answers.length, 'only 201 and 409')
      t.ok(created.length >= 1)
      t.equal(new Set(created.map((a) => a.json().id)).size, 1, 'every 201 names the same user')
      for (const answer of inProgress) {
        assertErrorBody(t, answer, 409, 'REQUEST_IN_PROGRESS')
        t.equal(answer.headers['retry-after'], '1')
      }
      t.equal(await countUsers(app), 1)
      const replay = await registerUser(app, body, key('race'))
      t.equal(replay.json().id, created[0]?.json().id, 'a retry after the race gets the answer')
    })
  },
)

t.test('an expired key is processed anew', async (t) => {
  forEachDialect(t, async (t, { app }) => {
    await registerUser(app, { username: 'Early', password: PASSWORD }, key('old'))
    await app.db('idempotency_keys').update({ expires_at: new Date(Date.now() - 1000) })
    const later = await registerUser(app, { username: 'Later', password: PASSWORD }, key('old'))
    t.equal(later.statusCode, 201, 'not 422: the old use has expired')
    t.equal(await countUsers(app), 2)
  })
})

t.test('a claim whose request died is taken over once its lock runs out', async (t) => {
  forEachDialect(t, async (t, { app }) => {
    const body = { username: 'Orphan', password: PASSWORD }
    await registerUser(app, body, key('orphan'))
    // As if the first request were still running, then as if it had died.
    const unanswered = { status_code: null, response_body: null }
    await app
      .db('idempotency_keys')
      .update({ ...unanswered, locked_until: new Date(Date.now() + 60_000) })
    assertErrorBody(t, await registerUser(app, body, key('orphan')), 409, 'REQUEST_IN_PROGRESS')
    await app.db('idempotency_keys').update({ locked_until: new Date(Date.now() - 1000) })
    const takenOver = await registerUser(app, body, key('orphan'))
    // USERNAME_TAKEN: the registration ran again, and found its own user.
    assertErrorBody(t, takenOver, 409, 'USERNAME_TAKEN')
    t.equal(await countUsers(app), 1)
  })
})

t.test('a refusal is the stored answer; a corrected body under the same key is 422', async (t) => {
  forEachDialect(t, async (t, { app }) => {
    const weak = { username: 'Weak', password: 'password' }
    assertErrorBody(t, await registerUser(app, weak, key('weak')), 400, 'PASSWORD_POLICY')
    const replayed = await registerUser(app, weak, key('weak'))
    assertErrorBody(t, replayed, 400, 'PASSWORD_POLICY')
    t.equal(replayed.headers['idempotent-replayed'], 'true')
    const fixed = { username: 'Weak', password: PASSWORD }
    assertErrorBody(t, await registerUser(app, fixed, key('weak')), 422, 'IDEMPOTENCY_KEY_REUSED')
  })
})

t.test('neither the password nor its hash is stored with the key', async (t) => {
  forEachDialect(t, async (t, { app }) => {
    await registerUser(app, { username: 'Secret', password: PASSWORD }, key('secret'))
    const [stored] = await app.db('idempotency_keys').select('*')
    const [user] = await app.db('users').select('password_hash')
    const row = JSON.stringify(stored)
    t.notMatch(row, PASSWORD)
    t.notMatch(row, user.password_hash)
    t.notMatch(row, /password/i)
    t.match(stored.fingerprint, /^[0-9a-f]{64}$/)
  })
})

t.test('a key holds across replicas that share the signing key', async (t) => {
  forEachDialect(t, async (t, { startApp }) => {
    const signingKey = createTestKey(t).privateKeyFile
    const env = { TOKEN_SIGNING_KEY_FILE: signingKey }
    const [one, two] = [await startApp(env), await startApp(env)]
    const body = { username: 'Replicated', password: PASSWORD }
    const first = await registerUser(one.app, body, key('shared'))
    const second = await registerUser(two.app, body, key('shared'))
    t.equal(second.statusCode, 201)
    t.equal(second.headers['idempotent-replayed'], 'true')
    t.equal(second.body, first.body)
    assertErrorBody(
      t,
      await registerUser(two.app, { ...body, password: 'another passphrase' }, key('shared')),
      422,
      'IDEMPOTENCY_KEY_REUSED',
    )
  })
})

t.test('a malformed key is 400 VALIDATION_FAILED', async (t) => {
  forEachDialect(t, async (t, { app }) => {
    for (const bad of ['', 'with space', 'x'.repeat(256), 'caf\u00e9']) {
      const answer = await registerUser(app, { username: 'Keyed', password: PASSWORD }, key(bad))
      assertErrorBody(t, answer, 400, 'VALIDATION_FAILED')
    }
    t.equal(await countUsers(app), 0)
  })
})
