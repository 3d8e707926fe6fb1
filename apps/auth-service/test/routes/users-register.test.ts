import bcrypt from 'bcrypt'
import t from 'tap'
import { assertErrorBody, countUsers, registerUser } from '../helpers/requests.js'
import { BCRYPT_HASH, forEachDialect } from '../helpers/test-app.js'

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const PASSWORD = 'correct horse battery staple'

t.test('POST /users registers a user', async (t) => {
  forEachDialect(t, async (t, { app }) => {
    const before = Date.now()
    const response = await registerUser(app, { username: 'Lorenzo', password: PASSWORD })
    t.equal(response.statusCode, 201)
    const body = response.json()
    t.same(Object.keys(body).sort(), ['createdAt', 'id', 'username'], 'no credentials')
    t.match(body.id, UUID_V7)
    t.equal(body.username, 'Lorenzo')
    t.equal(new Date(body.createdAt).toISOString(), body.createdAt, 'ISO-8601 in UTC')
    t.ok(Date.parse(body.createdAt) >= before - 1 && Date.parse(body.createdAt) <= Date.now())
    t.equal(response.headers.location, `/users/${body.id}`)

    const row = await app.db('users').where({ id: body.id }).first()
    t.equal(row.username_canonical, 'lorenzo')
    t.match(row.password_hash, /^\$2b\$04\$/, 'bcrypt at the configured cost')
    t.ok(await bcrypt.compare(PASSWORD, row.password_hash), 'the hash verifies the password')

    const lookup = await app.inject({ url: response.headers.location as string })
    t.equal(lookup.statusCode, 200)
    t.same(lookup.json(), body, 'the lookup answers what registration answered')
  })
})

t.test('the display form is NFC, the canonical form NFKC and lower case', async (t) => {
  forEachDialect(t, async (t, { app }) => {
    const decomposed = 'Jose\u0301' // "José" with a combining accent
    const response = await registerUser(app, { username: decomposed, password: PASSWORD })
    t.equal(response.statusCode, 201)
    t.equal(response.json().username, 'Jos\u00e9')
    const row = await app.db('users').where({ id: response.json().id }).first()
    t.equal(row.username_canonical, 'jos\u00e9')
  })
})

t.test('case and width variants of a name are the same user: 409', async (t) => {
  forEachDialect(t, async (t, { app }) => {
    t.equal((await registerUser(app, { username: 'Lorenzo', password: PASSWORD })).statusCode, 201)
    for (const variant of ['Lorenzo', 'lorenzo', 'LORENZO', 'Ｌｏｒｅｎｚｏ']) {
      const response = await registerUser(app, { username: variant, password: 'other pass 123' })
      assertErrorBody(t, response, 409, 'USERNAME_TAKEN')
    }
    t.equal(await countUsers(app), 1)
  })
})

t.test('Greek names differing only in case are one user, final sigma included', async (t) => {
  forEachDialect(t, async (t, { app }) => {
    t.equal((await registerUser(app, { username: 'ΟΔΥΣΣΕΥΣ', password: PASSWORD })).statusCode, 201)
    for (const variant of ['οδυσσευσ', 'Οδυσσευς']) {
      assertErrorBody(
        t,
        await registerUser(app, { username: variant, password: PASSWORD }),
        409,
        'USERNAME_TAKEN',
      )
    }
  })
})

t.test('a taken name is refused without paying for a hash', async (t) => {
  forEachDialect(t, async (t, { app }) => {
    const hasher = app.passwordHasher
    const hash = hasher.hash
    let hashes = 0
    hasher.hash = (password) => {
      hashes++
      return hash(password)
    }
    t.teardown(() => {
      hasher.hash = hash
    })
    await registerUser(app, { username: 'taken', password: PASSWORD })
    t.equal(hashes, 1)
    assertErrorBody(
      t,
      await registerUser(app, { username: 'TAKEN', password: PASSWORD }),
      409,
      'USERNAME_TAKEN',
    )
    t.equal(hashes, 1, 'no second hash')
  })
})

t.test('the default bcrypt cost, 12, reaches the stored hash', async (t) => {
  forEachDialect(t, async (t, { app: _cost4, startApp }) => {
    // An empty variable counts as unset, so this app runs on the default cost.
    const { app } = await startApp({ BCRYPT_COST: '' })
    const response = await registerUser(app, { username: 'costly', password: PASSWORD })
    t.equal(response.statusCode, 201)
    const row = await app.db('users').where({ id: response.json().id }).first()
    t.match(row.password_hash, /^\$2b\$12\$/)
  })
})

t.test('no password or hash reaches the log on success', async (t) => {
  forEachDialect(t, async (t, { app, logs }) => {
    await registerUser(app, { username: 'quiet', password: PASSWORD })
    t.notMatch(logs(), PASSWORD)
    t.notMatch(logs(), BCRYPT_HASH)
    t.match(logs(), /"route":"\/users"/)
  })
})
