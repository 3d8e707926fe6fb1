import bcrypt from 'bcrypt'
import t from 'tap'
import type { App } from '../../src/app.js'
import { logIn, registerUser } from '../helpers/requests.js'
import { BCRYPT_HASH, forEachDialect } from '../helpers/test-app.js'

const PASSWORD = 'correct horse battery staple'

async function storedHash(app: App, username: string): Promise<string> {
  const row = await app.db('users').where({ username_canonical: username }).first()
  return row.password_hash
}

t.test('a login after BCRYPT_COST changed re-hashes the password at the new cost', async (t) => {
  forEachDialect(t, async (t, { app, startApp }) => {
    await registerUser(app, { username: 'upkeep', password: PASSWORD })
    const original = await storedHash(app, 'upkeep')
    t.match(original, /^\$2b\$04\$/)

    const { app: raised, logs } = await startApp({ BCRYPT_COST: '5' })
    const wrong = await logIn(raised, { username: 'upkeep', password: 'not the password' })
    t.equal(wrong.statusCode, 401)
    t.equal(await storedHash(raised, 'upkeep'), original, 'a failed login changes nothing')

    t.equal((await logIn(raised, { username: 'upkeep', password: PASSWORD })).statusCode, 200)
    const upgraded = await storedHash(raised, 'upkeep')
    t.match(upgraded, /^\$2b\$05\$/, 'the stored hash now has the configured cost')
    t.ok(await bcrypt.compare(PASSWORD, upgraded), 'and still verifies the password')
    t.match(logs(), /"msg":"password rehashed"/)
    t.notMatch(logs(), BCRYPT_HASH, 'neither hash is logged')

    t.equal((await logIn(raised, { username: 'upkeep', password: PASSWORD })).statusCode, 200)
    t.equal(await storedHash(raised, 'upkeep'), upgraded, 'at the configured cost: left alone')

    // "Differs", not "is lower": lowering the cost is applied the same way.
    t.equal((await logIn(app, { username: 'upkeep', password: PASSWORD })).statusCode, 200)
    t.match(await storedHash(app, 'upkeep'), /^\$2b\$04\$/)
  })
})
