import type { Knex } from 'knex'
import { runQuery } from './database-error.js'

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

export async function insertUser(db: Knex, user: UserRecord): Promise<void> {
  await runQuery(
    db,
    db<UserRow>('users').insert({
      id: user.id,
      username: user.username,
      username_canonical: user.usernameCanonical,
      password_hash: user.passwordHash,
      created_at: user.createdAt,
    }),
  )
}

export async function findUserById(db: Knex, id: string): Promise<UserProfile | undefined> {
  const row = await runQuery(
    db,
    db<UserRow>('users').select('id', 'username', 'created_at').where({ id }).first(),
  )
  return row === undefined
    ? undefined
    : { id: row.id, username: row.username, createdAt: new Date(row.created_at) }
}

/** Whether a user has this canonical name; reads the index alone, never the hash. */
export async function isUsernameTaken(db: Knex, usernameCanonical: string): Promise<boolean> {
  const row = await runQuery(
    db,
    db<UserRow>('users').select('id').where({ username_canonical: usernameCanonical }).first(),
  )
  return row !== undefined
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
