import { setImmediate as nextTurn } from 'node:timers/promises'
import t from 'tap'
import {
  inListForm,
  LookupBatcher,
  type LookupDefinition,
  MAX_KEYS_PER_STATEMENT,
  paddedKeys,
  type StatementForm,
  unionForm,
} from '../src/batched-lookups.js'
import { type PreparedReads, preparedReads } from '../src/prepared-reads.js'
import { findUserById, insertUsersInBulk, isUsernameTaken } from '../src/users-repository.js'
import { forEachDialect } from './with-test-db.js'

interface Row {
  key: string
}

const byKey: LookupDefinition<Row> = {
  select: 'select key from rows',
  keyColumn: 'key',
  keyOf: (row) => row.key,
}

/** A batcher over rows whose keys are `stored`, recording each statement it is sent. */
function batcherOver(
  stored: string[],
  fail?: (keys: string[]) => boolean,
  form: StatementForm = inListForm,
) {
  const statements: Array<{ sql: string; keys: string[] }> = []
  const batcher = new LookupBatcher(byKey, form, async (sql, keys) => {
    statements.push({ sql, keys })
    if (fail?.(keys)) throw new Error('the read failed')
    return stored.filter((key) => keys.includes(key)).map((key) => ({ key }))
  })
  return { batcher, statements }
}

t.test(
  'lookups asked for in one turn go as one statement, each answered with its row',
  async (t) => {
    const { batcher, statements } = batcherOver(['a', 'b', 'c'])
    const answers = await Promise.all(['a', 'missing', 'c', 'a'].map((key) => batcher.load(key)))
    t.same(answers, [{ key: 'a' }, undefined, { key: 'c' }, { key: 'a' }])
    t.same(statements, [
      { sql: 'select key from rows where key in (?, ?, ?, ?)', keys: ['a', 'missing', 'c', 'a'] },
    ])
    t.equal(answers[0], answers[3], 'a key asked for twice is read once')
  },
)

t.test('a lookup of a later turn goes in a statement of its own', async (t) => {
  const { batcher, statements } = batcherOver(['a', 'b'])
  const first = batcher.load('a')
  await nextTurn()
  const second = batcher.load('b')
  t.same(await Promise.all([first, second]), [{ key: 'a' }, { key: 'b' }])
  t.same(
    statements.map(({ keys }) => keys),
    [['a'], ['b']],
  )
})

t.test('more keys in one turn than a statement takes go as several statements', async (t) => {
  const stored = Array.from({ length: 70 }, (_, n) => `k${n}`)
  const { batcher, statements } = batcherOver(stored)
  const answers = await Promise.all(stored.map((key) => batcher.load(key)))
  t.same(
    answers,
    stored.map((key) => ({ key })),
  )
  t.same(
    statements.map(({ keys }) => keys.length),
    [MAX_KEYS_PER_STATEMENT, MAX_KEYS_PER_STATEMENT, 8],
    'the last six keys padded to eight',
  )
})

t.test('a failed statement fails its own lookups and no others', async (t) => {
  const stored = Array.from({ length: 40 }, (_, n) => `k${n}`)
  const { batcher } = batcherOver(stored, (keys) => keys.includes('k0'))
  const outcomes = await Promise.allSettled(stored.map((key) => batcher.load(key)))
  const failed = outcomes.filter(({ status }) => status === 'rejected').length
  t.equal(failed, MAX_KEYS_PER_STATEMENT, 'the first statement failed')
  t.same(
    outcomes.slice(MAX_KEYS_PER_STATEMENT),
    stored.slice(MAX_KEYS_PER_STATEMENT).map((key) => ({ status: 'fulfilled', value: { key } })),
  )
  t.same(await batcher.load('k0').catch((error: Error) => error.message), 'the read failed')
  t.same(await batcher.load('k1'), { key: 'k1' }, 'the batcher still reads after a failure')
})

t.test('a reader or a row that throws fails the lookups of its batch', async (t) => {
  const throwing = new LookupBatcher(byKey, inListForm, () => {
    throw new Error('no connection')
  })
  const refused = await Promise.allSettled([throwing.load('a'), throwing.load('b')])
  t.same(
    refused.map((outcome) => outcome.status),
    ['rejected', 'rejected'],
  )
  const badRow = new LookupBatcher<Row>(
    {
      ...byKey,
      keyOf: () => {
        throw new Error('no key')
      },
    },
    inListForm,
    async () => [{ key: 'a' }],
  )
  t.same(await badRow.load('a').catch((error: Error) => error.message), 'no key')
})

t.test('the SQLite form: a point select per key, joined by union all, no padding', async (t) => {
  const { batcher, statements } = batcherOver(['a', 'c'], undefined, unionForm)
  const answers = await Promise.all(['a', 'missing', 'c', 'a'].map((key) => batcher.load(key)))
  t.same(answers, [{ key: 'a' }, undefined, { key: 'c' }, { key: 'a' }])
  t.same(statements, [
    {
      sql: [
        'select key from rows where key = ?',
        'select key from rows where key = ?',
        'select key from rows where key = ?',
      ].join(' union all '),
      keys: ['a', 'missing', 'c'],
    },
  ])
})

const ids = Array.from(
  { length: MAX_KEYS_PER_STATEMENT - 1 },
  (_, n) => `01900000-0000-7000-8000-${String(n).padStart(12, '0')}`,
)
const missingId = '01900000-0000-7000-8000-999999999999'

t.test('on a real database', async (t) => {
  forEachDialect(t, async (t, db, { dialect }) => {
    await insertUsersInBulk(
      db,
      ids.map((id, n) => ({
        id,
        username: `Turn${n}`,
        usernameCanonical: `turn${n}`,
        passwordHash: 'not a hash',
        createdAt: new Date(),
      })),
    )

    t.test(
      "a full batch is one statement in the dialect's form, a missing key unanswered",
      async (t) => {
        const reads = preparedReads(db)
        const sent: string[] = []
        const counting: PreparedReads = {
          ...reads,
          rows: (sql, values) => {
            sent.push(sql)
            return reads.rows(sql, values)
          },
        }
        const params = db.userParams as { preparedReads?: PreparedReads }
        params.preparedReads = counting
        t.teardown(() => {
          params.preparedReads = reads
        })
        const found = await Promise.all([...ids, missingId].map((id) => findUserById(db, id)))
        t.same(
          found.map((user) => user?.username),
          [...ids.map((_, n) => `Turn${n}`), undefined],
        )
        t.equal(sent.length, 1)
        t.match(sent[0], dialect === 'sqlite' ? /= \? union all / : / in \(\?(, \?)+\)$/)
        t.equal(
          await isUsernameTaken(db, 'turn0'),
          true,
          'the name check reads through the same form',
        )
      },
    )

    t.test('a lookup asked for just before the database closes is read', async (t) => {
      const lookup = findUserById(db, ids[0] as string)
      await db.destroy()
      t.equal((await lookup)?.username, 'Turn0')
    })
  })
})

t.test('keys are padded with the first to a power of two', async (t) => {
  t.same(paddedKeys(['a']), ['a'])
  t.same(paddedKeys(['a', 'b', 'c']), ['a', 'b', 'c', 'a'])
  t.same(paddedKeys(['a', 'b', 'c', 'd', 'e']), ['a', 'b', 'c', 'd', 'e', 'a', 'a', 'a'])
})
