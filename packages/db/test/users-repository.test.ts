import knex from 'knex'
import t from 'tap'
import { DatabaseError } from '../src/database-error.js'
import { isUniqueViolation, sessionIdOf } from '../src/dialect.js'
import {
  endSession,
  findUserByCanonicalName,
  findUserById,
  insertUser,
  insertUsersInBulk,
  isUsernameTaken,
  replacePasswordHash,
  type UserRecord,
} from '../src/users-repository.js'
import { forEachDialect } from './with-test-db.js'

const FAKE_HASH = '$2b$04$abcdefghijklmnopqrstuu5Kfc0Yl4wK8v0vPqDx5H9v8R2Wf8P9e'

function aUser(overrides: Partial<UserRecord> = {}): UserRecord {
  return {
    id: '01900000-0000-7000-8000-000000000001',
    username: 'Lorenzo',
    usernameCanonical: 'lorenzo',
    passwordHash: FAKE_HASH,
    createdAt: new Date('2026-11-24T10:11:12.345Z'),
    ...overrides,
  }
}

/** `count` users with ids in order, named `${name}0`, `${name}1` and so on. */
function numberedUsers(count: number, name: string): UserRecord[] {
  return Array.from({ length: count }, (_, n) =>
    aUser({
      id: `01900000-0000-7000-8000-${n.toString().padStart(12, '0')}`,
      username: `${name}${n}`,
      usernameCanonical: `${name.toLowerCase()}${n}`,
    }),
  )
}

t.test('a stored user is found by id and by canonical name, to the millisecond', async (t) => {
  forEachDialect(t, async (t, db) => {
    await insertUser(db, aUser())
    t.same(await findUserById(db, aUser().id), {
      id: aUser().id,
      username: 'Lorenzo',
      createdAt: new Date('2026-11-24T10:11:12.345Z'),
    })
    t.same(await findUserByCanonicalName(db, 'lorenzo'), aUser())
    t.equal(await findUserById(db, '01900000-0000-7000-8000-00000000ffff'), undefined)
    t.equal(await findUserByCanonicalName(db, 'Lorenzo'), undefined, 'no collation folds case')
    t.equal(await isUsernameTaken(db, 'lorenzo'), true)
    t.equal(await isUsernameTaken(db, 'LORENZO'), false, 'byte for byte')
  })
})

t.test('users inserted in bulk are found like any other, past one chunk of rows', async (t) => {
  forEachDialect(t, async (t, db) => {
    const users = numberedUsers(4500, 'Bulk')
    await insertUsersInBulk(db, users)
    const [{ count }] = (await db('users').count({ count: '*' })) as [{ count: number | string }]
    t.equal(Number(count), 4500)
    t.same(await findUserByCanonicalName(db, 'bulk4499'), users[4499])
  })
})

t.test('unique-key violations are recognised on both dialects', async (t) => {
  forEachDialect(t, async (t, db) => {
    await insertUser(db, aUser())
    const duplicateName = await insertUser(
      db,
      aUser({ id: '01900000-0000-7000-8000-000000000002' }),
    ).catch((error: unknown) => error)
    t.ok(isUniqueViolation(duplicateName), 'same canonical name')
    const duplicateId = await insertUser(db, aUser({ usernameCanonical: 'other' })).catch(
      (error: unknown) => error,
    )
    t.ok(isUniqueViolation(duplicateId), 'same id')
    t.notOk(isUniqueViolation(new Error('boom')))
  })
})

t.test('a failed query never carries bound values such as the hash', async (t) => {
  forEachDialect(t, async (t, db) => {
    await insertUser(db, aUser())
    const error = await insertUser(db, aUser({ id: '01900000-0000-7000-8000-000000000003' })).catch(
      (e: unknown) => e,
    )
    t.type(error, DatabaseError)
    const everything = JSON.stringify(error, Object.getOwnPropertyNames(error))
    t.notMatch(everything, FAKE_HASH)
    t.notMatch(everything, /\$2b\$/)
  })
})

t.test('a hash is replaced only while it is still the expected one', async (t) => {
  forEachDialect(t, async (t, db) => {
    await insertUser(db, aUser())
    const newer = FAKE_HASH.replace('$04$', '$05$')
    t.equal(await replacePasswordHash(db, aUser().id, 'not the stored hash', newer), false)
    t.equal((await findUserByCanonicalName(db, 'lorenzo'))?.passwordHash, FAKE_HASH)
    t.equal(await replacePasswordHash(db, aUser().id, FAKE_HASH, newer), true)
    t.equal((await findUserByCanonicalName(db, 'lorenzo'))?.passwordHash, newer)
  })
})

t.test('endSession ends a session that holds an uncommitted insert', async (t) => {
  forEachDialect(t, async (t, db, { dialect }) => {
    t.equal(await endSession(db, undefined), true, 'no session: nothing to wait for')
    if (dialect !== 'mysql') return
    t.equal(await endSession(db, 2 ** 31), true, 'an unknown session is gone')
    // A second pool on the same database: another session.
    const elsewhere = knex(db.client.config)
    t.teardown(() => elsewhere.destroy())
    const trx = await elsewhere.transaction()
    const sessionId = await sessionIdOf(trx)
    await trx('users').insert({
      id: aUser().id,
      username: 'pending',
      username_canonical: 'pending',
      password_hash: FAKE_HASH,
      created_at: new Date(),
    })
    let gone = await endSession(db, sessionId)
    // A killed session lingers a moment in the process list.
    for (let attempt = 0; !gone && attempt < 50; attempt++) gone = await endSession(db, sessionId)
    t.equal(gone, true, 'the session ends')
    await trx.rollback().catch(() => {}) // lets the second pool close
    t.equal(await findUserById(db, aUser().id), undefined, 'and its insert is gone with it')
  })
})

t.test('lookups made together are each answered with their own user', async (t) => {
  forEachDialect(t, async (t, db) => {
    const users = numberedUsers(40, 'Together')
    await insertUsersInBulk(db, users)
    const missingId = '01900000-0000-7000-8000-00000000ffff'
    // More than one statement's worth, with repeats and a miss among them.
    const ids = [...users.map(({ id }) => id), users[3]?.id ?? '', missingId]
    const found = await Promise.all(ids.map((id) => findUserById(db, id)))
    t.same(found, [
      ...users.map(({ id, username, createdAt }) => ({ id, username, createdAt })),
      { id: users[3]?.id, username: 'Together3', createdAt: users[3]?.createdAt },
      undefined,
    ])
    const names = ['together0', 'Together1', 'together39', 'nobody', 'together0']
    t.same(await Promise.all(names.map((name) => isUsernameTaken(db, name))), [
      true,
      false,
      true,
      false,
      true,
    ])
  })
})
