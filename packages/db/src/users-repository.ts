import type { Knex } from 'knex'
import { type LookupDefinition, lookUp } from './batched-lookups.js'
import { type DatabaseError, runQuery } from './database-error.js'
import { dialectOf } from './dialect.js'
import { inTransaction } from './transaction.js'

/** A stored user, password hash included: never hand this to a serializer. */
export interface UserRecord {
  id: string
  username: string
  usernameCanonical: string
  passwordHash: string
  createdAt: Date
}

/** What may be shown of a user: no credentials. */
export type UserProfile = Pick<UserRecord, 'id' | 'username' | 'createdAt'>

interface UserRow {
  id: string
  username: string
  username_canonical: string
  password_hash: string
  // MySQL gives a Date; SQLite keeps the milliseconds since the epoch.
  created_at: Date | number
}

// Rows per INSERT in a bulk insert. Knex writes a multi-row insert for SQLite
// as a compound SELECT, which SQLite caps at 500 terms; MySQL's only limit
// here is 65535 bound parameters, 5 a row.
const BULK_INSERT_ROWS = { sqlite: 500, mysql: 5000 } as const

function toRow(user: UserRecord): UserRow {
  return {
    id: user.id,
    username: user.username,
    username_canonical: user.usernameCanonical,
    password_hash: user.passwordHash,
    created_at: user.createdAt,
  }
}

/** Inserts many users in one transaction, for seeding and imports. */
export async function insertUsersInBulk(db: Knex, users: UserRecord[]): Promise<void> {
  await db.batchInsert('users', users.map(toRow), BULK_INSERT_ROWS[dialectOf(db)])
}

/**
 * Inserts a user in a transaction of its own (inTransaction): when the
 * connection failed after COMMIT was sent, the DatabaseError's
 * `outcomeUnknown` is set, with the session that may still commit (see endSession).
 */
export async function insertUser(db: Knex, user: UserRecord): Promise<void> {
  await inTransaction(db, (trx) => runQuery(db, trx<UserRow>('users').insert(toRow(user))), {
    trackSession: true,
  })
}

/**
 * Ends a MySQL session that may still be completing a write, and tells
 * whether it is gone, so that what it wrote can be judged. Always true on
 * SQLite, whose writes finish before they return.
 */
export async function endSession(db: Knex, sessionId: number | undefined): Promise<boolean> {
  if (sessionId === undefined || dialectOf(db) !== 'mysql') return true
  try {
    await runQuery(db, db.raw('kill connection ?', [sessionId]))
  } catch (error) {
    if ((error as DatabaseError).code !== 'ER_NO_SUCH_THREAD') throw error
  }
  const [rows] = await runQuery(
    db,
    db.raw('select count(*) as sessions from information_schema.processlist where id = ?', [
      sessionId,
    ]),
  )
  return Number((rows as Array<{ sessions: number }>)[0]?.sessions) === 0
}

type ProfileRow = Pick<UserRow, 'id' | 'username' | 'created_at'>

// Both columns have binary collations (the migrations) and never end in a
// space (a UUID; a name of printable ASCII without spaces), as lookUp needs.
const userById: LookupDefinition<ProfileRow> = {
  select: 'select id, username, created_at from users',
  keyColumn: 'id',
  keyOf: (row) => row.id,
}

const userByCanonicalName: LookupDefinition<Pick<UserRow, 'username_canonical'>> = {
  select: 'select username_canonical from users',
  keyColumn: 'username_canonical',
  keyOf: (row) => row.username_canonical,
}

export async function findUserById(db: Knex, id: string): Promise<UserProfile | undefined> {
  const row = await lookUp(db, userById, id)
  return row === undefined
    ? undefined
    : { id: row.id, username: row.username, createdAt: new Date(row.created_at) }
}

/** Whether a user has this canonical name; reads the index alone, never the hash. */
export async function isUsernameTaken(db: Knex, usernameCanonical: string): Promise<boolean> {
  return (await lookUp(db, userByCanonicalName, usernameCanonical)) !== undefined
}

export async function findUserByCanonicalName(
  db: Knex,
  usernameCanonical: string,
): Promise<UserRecord | undefined> {
  const row = await runQuery(
    db,
    db<UserRow>('users').where({ username_canonical: usernameCanonical }).first(),
  )
  return row === undefined ? undefined : toUserRecord(row)
}

/**
 * Replaces a user's hash only if it is still `expectedHash`, so a rehash at
 * login never overwrites a change made meanwhile. Returns whether it did.
 */
export async function replacePasswordHash(
  db: Knex,
  id: string,
  expectedHash: string,
  newHash: string,
): Promise<boolean> {
  const updated = await runQuery(
    db,
    db<UserRow>('users')
      .where({ id, password_hash: expectedHash })
      .update({ password_hash: newHash }),
  )
  return updated === 1
}

function toUserRecord(row: UserRow): UserRecord {
  return {
    id: row.id,
    username: row.username,
    usernameCanonical: row.username_canonical,
    passwordHash: row.password_hash,
    createdAt: new Date(row.created_at),
  }
}

/** Deletes a user by id; returns whether there was one. */
export async function deleteUserById(db: Knex, id: string): Promise<boolean> {
  const deleted = await runQuery(db, db<UserRow>('users').where({ id }).delete())
  return deleted === 1
}
