import type { Knex } from 'knex'
import t from 'tap'
import {
  deleteSessions,
  findRefreshToken,
  findSession,
  insertSession,
  listSessions,
  rotateRefreshToken,
  type SessionRecord,
} from '../src/sessions-repository.js'
import { insertUser } from '../src/users-repository.js'
import { forEachDialect } from './with-test-db.js'

const USER_ID = '01890000-0000-7000-8000-000000000001'
const HOUR_MS = 3_600_000
const hashOf = (n: number) => n.toString(16).padStart(64, '0')

async function withUser(db: Knex) {
  await insertUser(db, {
    id: USER_ID,
    username: 'lorenzo',
    usernameCanonical: 'lorenzo',
    passwordHash: '$2b$04$notarealhash',
    createdAt: new Date(),
  })
}

function session(n: number, at: Date): SessionRecord {
  return {
    id: `01890000-0000-7000-8000-${String(n).padStart(12, '0')}`,
    userId: USER_ID,
    createdBy: n % 2 === 0 ? null : 'spiffe://cluster.local/ns/shop/sa/checkout',
    createdAt: new Date(at.getTime() + n),
    lastUsedAt: at,
    absoluteExpiresAt: new Date(at.getTime() + 24 * HOUR_MS),
    expiresAt: new Date(at.getTime() + HOUR_MS),
  }
}

t.test('a rotation spends once; a second is told so; an ended session is told so', async (t) => {
  forEachDialect(t, async (t, db) => {
    await withUser(db)
    const now = new Date()
    const started = session(1, now)
    await insertSession(db, started, hashOf(1))
    const rotation = {
      sessionId: started.id,
      spentHash: hashOf(1),
      nextHash: hashOf(2),
      successor: 'sealed',
      now,
      expiresAt: new Date(now.getTime() + HOUR_MS),
    }
    t.equal(await rotateRefreshToken(db, rotation), 'rotated')
    t.equal(await rotateRefreshToken(db, { ...rotation, nextHash: hashOf(3) }), 'spent')
    t.equal(
      await findRefreshToken(db, hashOf(3)),
      undefined,
      'the losing successor was rolled back',
    )
    const spent = await findRefreshToken(db, hashOf(1))
    t.equal(spent?.successor, 'sealed')
    t.equal(spent?.username, 'lorenzo')
    t.equal(spent?.spentAt?.getTime(), now.getTime())
    const later = new Date(now.getTime() + 2 * HOUR_MS)
    const late = { ...rotation, spentHash: hashOf(2), nextHash: hashOf(4), now: later }
    t.equal(await rotateRefreshToken(db, late), 'ended', 'past expires_at')
  })
})

t.test('ending sessions: one, all of a user’s but one, the expired', async (t) => {
  forEachDialect(t, async (t, db) => {
    await withUser(db)
    const now = new Date()
    const sessions = [1, 2, 3, 4].map((n) => session(n, now))
    for (const [index, each] of sessions.entries()) await insertSession(db, each, hashOf(index))
    const ids = sessions.map((each) => each.id)
    t.same(
      (await listSessions(db, USER_ID, now, 100)).map((each) => each.id),
      [...ids].reverse(),
    )
    t.same(await deleteSessions(db, { sessionId: ids[0] ?? '', userId: 'someone else' }), [])
    t.same(await deleteSessions(db, { sessionId: ids[0] ?? '' }), [ids[0]])
    t.same(
      (await deleteSessions(db, { userId: USER_ID, exceptSessionId: ids[3] })).sort(),
      [ids[1], ids[2]].sort(),
    )
    t.equal(await findRefreshToken(db, hashOf(1)), undefined, 'their tokens went with them')
    t.ok(await findSession(db, ids[3] ?? ''))
    const expiredBy = new Date(now.getTime() + HOUR_MS)
    t.same(await deleteSessions(db, { expiredBy, limit: 10 }), [ids[3]])
    t.same(await db('refresh_tokens').select('token_hash'), [])
  })
})

t.test('refresh, revoke and the listing read by index, never by scan', async (t) => {
  forEachDialect(t, async (t, db, { dialect }) => {
    const plans = [
      [
        'select * from refresh_tokens where token_hash = ?',
        'PRIMARY',
        'sqlite_autoindex_refresh_tokens_1',
      ],
      [
        'select * from refresh_tokens where session_id = ?',
        'refresh_tokens_session_id',
        'refresh_tokens_session_id',
      ],
      ['select * from sessions where id = ?', 'PRIMARY', 'sqlite_autoindex_sessions_1'],
      [
        'select * from sessions where user_id = ? and expires_at > ? order by created_at desc, id desc limit 100',
        'sessions_user_id_created_at',
        'sessions_user_id_created_at',
      ],
      [
        'select id from sessions where expires_at <= ? limit 1000',
        'sessions_expires_at',
        'sessions_expires_at',
      ],
    ] as const
    for (const [sql, mysqlIndex, sqliteIndex] of plans) {
      const bindings = sql.split('?').length - 1
      const values = Array.from({ length: bindings }, () => 'x')
      if (dialect === 'mysql') {
        const [rows] = (await db.raw(`explain ${sql}`, values)) as [
          Array<{ key: string | null; Extra: string | null }>,
        ]
        // A unique key's lookup of a missing row is read as a constant, with no key named.
        const constant = /const table|Impossible WHERE/.test(rows[0]?.Extra ?? '')
        t.ok(rows[0]?.key === mysqlIndex || (mysqlIndex === 'PRIMARY' && constant), sql)
      } else {
        const rows = (await db.raw(`explain query plan ${sql}`, values)) as Array<{
          detail: string
        }>
        t.match(
          rows.map((row) => row.detail).join('; '),
          new RegExp(`USING (COVERING |PRIMARY )?(INDEX ${sqliteIndex}|KEY)`),
          sql,
        )
      }
    }
  })
})
