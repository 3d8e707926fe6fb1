import bcrypt from 'bcrypt'
import t, { type Test } from 'tap'
import { assertErrorBody, logIn, registerUser } from '../helpers/requests.js'
import { forEachDialect } from '../helpers/test-app.js'

const PASSWORD = 'a fine passphrase'

/** Counts the bcrypt work actually started, whoever starts it. */
function countBcrypt(t: Test) {
  const { hash, compare } = bcrypt
  const counts = { hash: 0, compare: 0 }
  bcrypt.hash = ((...args: Parameters<typeof hash>) => {
    counts.hash++
    return hash(...args)
  }) as typeof hash
  bcrypt.compare = ((...args: Parameters<typeof compare>) => {
    counts.compare++
    return compare(...args)
  }) as typeof compare
  t.teardown(() => {
    bcrypt.hash = hash
    bcrypt.compare = compare
  })
  return counts
}

t.test('past the hash queue, registration and login get 503 OVERLOADED at once', async (t) => {
  forEachDialect(t, async (t, { startApp }) => {
    // One hash at a time and one waiting; cost 10 keeps each busy long enough
    // that the rest arrive while both places are taken.
    const { app } = await startApp({
      BCRYPT_COST: '10',
      HASH_CONCURRENCY: '1',
      HASH_QUEUE_LIMIT: '1',
    })
    t.equal((await registerUser(app, { username: 'known', password: PASSWORD })).statusCode, 201)
    const bcryptCalls = countBcrypt(t)

    const registrations = Array.from({ length: 6 }, (_, i) =>
      registerUser(app, { username: `burst${i}`, password: PASSWORD }),
    )
    const logins = Array.from({ length: 3 }, () =>
      logIn(app, { username: 'known', password: PASSWORD }),
    )
    const answers = await Promise.all([...registrations, ...logins])
    const admitted = answers.filter((answer) => answer.statusCode !== 503)
    const refused = answers.filter((answer) => answer.statusCode === 503)
    t.equal(admitted.length, 2, 'one running, one waiting')
    for (const answer of admitted) t.match(answer.statusCode, /^20[01]$/, 'admitted ones finish')
    for (const answer of refused) {
      assertErrorBody(t, answer, 503, 'OVERLOADED')
      t.match(answer.headers['retry-after'], /^[1-9]\d*$/, 'with Retry-After in seconds')
    }
    t.equal(bcryptCalls.hash + bcryptCalls.compare, 2, 'the refused ones hashed nothing')
  })
})

t.test('probes and lookups answer while the hash queue is full', async (t) => {
  forEachDialect(t, async (t, { startApp }) => {
    const { app } = await startApp({
      BCRYPT_COST: '12',
      HASH_CONCURRENCY: '1',
      HASH_QUEUE_LIMIT: '2',
    })
    const user = (await registerUser(app, { username: 'looked-up', password: PASSWORD })).json()
    let hashingDone = false
    const burst = Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        registerUser(app, { username: `slow${i}`, password: PASSWORD }),
      ),
    ).then((answers) => {
      hashingDone = true
      return answers
    })
    // Let the burst reach the hasher before probing.
    await new Promise((resolve) => setImmediate(resolve))
    for (const url of ['/livez', '/readyz', `/users/${user.id}`, '/metrics']) {
      t.equal((await app.inject({ url })).statusCode, 200, url)
    }
    t.equal(hashingDone, false, 'answered while the hashes were still running')
    const statuses = (await burst).map((answer) => answer.statusCode).sort()
    t.same(statuses, [201, 201, 201, 503], 'one ran, two waited, one was refused')
  })
})
