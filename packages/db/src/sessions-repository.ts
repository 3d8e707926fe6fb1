import type { Knex } from 'knex'
import { type LookupDefinition, lookUp } from './batched-lookups.js'
import { runQuery } from './database-error.js'
import { dialectOf } from './dialect.js'
import { inTransaction } from './transaction.js'

/** A login's session: the family of refresh tokens that descends from it. */
export interface SessionRecord {
  id: string
  userId: string
  /** The calling service's identity at login; null without mutual TLS. */
  createdBy: string | null
  createdAt: Date
  lastUsedAt: Date
  absoluteExpiresAt: Date
  /** The sooner of the absolute and the idle limit. */
  expiresAt: Date
}

/** A refresh token as stored, with what a refresh needs of its session and user. */
export interface RefreshTokenRecord {
  tokenHash: string
  sessionId: string
  spentAt: Date | null
  /** The successor, encrypted under a key only the token's holder can derive. */
  successor: string | null
  userId: string
  username: string
  absoluteExpiresAt: Date
  expiresAt: Date
}

/** Which sessions to end: one, all of a user's (but one), or the expired. */
export type SessionSelector =
  | { sessionId: string; userId?: string }
  | { userId: string; exceptSessionId?: string }
  | { expiredBy: Date; limit: number }

// MySQL gives a Date; SQLite keeps the milliseconds since the epoch.
type Stored = Date | number

interface SessionRow {
  id: string
  user_id: string
  created_by: string | null
  created_at: Stored
  last_used_at: Stored
  absolute_expires_at: Stored
  expires_at: Stored
}

const dateOf = (value: Stored) => new Date(value)

export async function insertSession(
  db: Knex,
  session: SessionRecord,
  tokenHash: string,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    await runQuery(
      db,
      trx<SessionRow>('sessions').insert({
        id: session.id,
        user_id: session.userId,
        created_by: session.createdBy,
        created_at: session.createdAt,
        last_used_at: session.lastUsedAt,
        absolute_expires_at: session.absoluteExpiresAt,
        expires_at: session.expiresAt,
      }),
    )
    await runQuery(
      db,
      trx('refresh_tokens').insert({
        token_hash: tokenHash,
        session_id: session.id,
        created_at: session.createdAt,
      }),
    )
  })
}

export async function findRefreshToken(
  db: Knex,
  tokenHash: string,
): Promise<RefreshTokenRecord | undefined> {
  const row = await runQuery(
    db,
    db('refresh_tokens as t')
      .join('sessions as s', 's.id', 't.session_id')
      .join('users as u', 'u.id', 's.user_id')
      .where('t.token_hash', tokenHash)
      .first(
        't.session_id',
        't.spent_at',
        't.successor',
        's.user_id',
        's.absolute_expires_at',
        's.expires_at',
        'u.username',
      ),
  )
  if (row === undefined) return undefined
  return {
    tokenHash,
    sessionId: row.session_id,
    spentAt: row.spent_at === null ? null : dateOf(row.spent_at),
    successor: row.successor,
    userId: row.user_id,
    username: row.username,
    absoluteExpiresAt: dateOf(row.absolute_expires_at),
    expiresAt: dateOf(row.expires_at),
  }
}

export interface Rotation {
  sessionId: string
  spentHash: string
  nextHash: string
  /** The next token, encrypted under a key derived from the spent one. */
  successor: string
  now: Date
  expiresAt: Date
}

class AlreadySpent extends Error {}

/**
 * Spends a refresh token and stores its successor, in one transaction that
 * locks the session's row first, as ending a session does, so that the two
 * never cross. 'spent': another request spent it first (nothing changed);
 * 'ended': the session is gone or expired.
 */
export async function rotateRefreshToken(
  db: Knex,
  rotation: Rotation,
): Promise<'rotated' | 'spent' | 'ended'> {
  const { sessionId, spentHash, nextHash, successor, now, expiresAt } = rotation
  try {
    return await inTransaction(db, async (trx) => {
      const touched = await runQuery(
        db,
        trx('sessions')
          .where('id', sessionId)
          .andWhere('expires_at', '>', now)
          .update({ last_used_at: now, expires_at: expiresAt }),
      )
      if (touched !== 1) return 'ended'
      const spent = await runQuery(
        db,
        trx('refresh_tokens')
          .where({ token_hash: spentHash, spent_at: null })
          .update({ spent_at: now, successor }),
      )
      if (spent !== 1) throw new AlreadySpent()
      await runQuery(
        db,
        trx('refresh_tokens').insert({
          token_hash: nextHash,
          session_id: sessionId,
          created_at: now,
        }),
      )
      return 'rotated'
    })
  } catch (error) {
    if (error instanceof AlreadySpent) return 'spent'
    throw error
  }
}

export async function sessionIdOfRefreshToken(
  db: Knex,
  tokenHash: string,
): Promise<string | undefined> {
  const row = await runQuery(
    db,
    db('refresh_tokens').where('token_hash', tokenHash).first('session_id'),
  )
  return row?.session_id
}

/** A user's live sessions, newest first, at most `limit`. */
export async function listSessions(
  db: Knex,
  userId: string,
  now: Date,
  limit: number,
): Promise<SessionRecord[]> {
  const rows: SessionRow[] = await runQuery(
    db,
    db<SessionRow>('sessions')
      .where('user_id', userId)
      .andWhere('expires_at', '>', now)
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit),
  )
  return rows.map(toSessionRecord)
}

type LiveSessionRow = Pick<SessionRow, 'id' | 'user_id' | 'expires_at'>

// A UUID under a binary collation, as lookUp needs.
const sessionById: LookupDefinition<LiveSessionRow> = {
  select: 'select id, user_id, expires_at from sessions',
  keyColumn: 'id',
  keyOf: (row) => row.id,
}

/** The session's owner and end, batched with the lookups of the same turn. */
export async function findSession(
  db: Knex,
  id: string,
): Promise<{ id: string; userId: string; expiresAt: Date } | undefined> {
  const row = await lookUp(db, sessionById, id)
  return row === undefined
    ? undefined
    : { id: row.id, userId: row.user_id, expiresAt: dateOf(row.expires_at) }
}

/**
 * Deletes the selected sessions and all their refresh tokens in one
 * transaction, the sessions' rows locked first; resolves with their ids.
 */
export async function deleteSessions(db: Knex, selector: SessionSelector): Promise<string[]> {
  return inTransaction(db, async (trx) => {
    let query = trx<SessionRow>('sessions').select('id')
    if ('expiredBy' in selector) {
      query = query.where('expires_at', '<=', selector.expiredBy).limit(selector.limit)
    } else if ('sessionId' in selector) {
      query = query.where('id', selector.sessionId)
      if (selector.userId !== undefined) query = query.andWhere('user_id', selector.userId)
    } else {
      query = query.where('user_id', selector.userId)
      if (selector.exceptSessionId !== undefined) {
        query = query.andWhereNot('id', selector.exceptSessionId)
      }
    }
    // SQLite has one writer at a time and no row locks to take.
    if (dialectOf(db) === 'mysql') query = query.forUpdate()
    const ids = (await runQuery(db, query)).map((row) => row.id)
    if (ids.length === 0) return ids
    await runQuery(db, trx('refresh_tokens').whereIn('session_id', ids).delete())
    await runQuery(db, trx('sessions').whereIn('id', ids).delete())
    return ids
  })
}

function toSessionRecord(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    createdBy: row.created_by,
    createdAt: dateOf(row.created_at),
    lastUsedAt: dateOf(row.last_used_at),
    absoluteExpiresAt: dateOf(row.absolute_expires_at),
    expiresAt: dateOf(row.expires_at),
  }
}
