import type { Knex } from 'knex'
import { mysqlTableHelpers } from './mysql-table.js'

export async function up(db: Knex): Promise<void> {
  const { ascii, tableDefaults } = mysqlTableHelpers(db)
  await db.schema.createTable('sessions', (table) => {
    table.specificType('id', ascii('char(36)')).primary()
    table.specificType('user_id', ascii('char(36)')).notNullable()
    // The calling service's identity at login; null without mutual TLS.
    table.string('created_by', 255).nullable()
    table.datetime('created_at', { precision: 3 }).notNullable()
    table.datetime('last_used_at', { precision: 3 }).notNullable()
    // SESSION_TTL after the login: no refresh moves it.
    table.datetime('absolute_expires_at', { precision: 3 }).notNullable()
    // The sooner of the absolute limit and SESSION_IDLE_TTL after the last
    // use: the one column refresh, listing and the sweep compare.
    table.datetime('expires_at', { precision: 3 }).notNullable().index('sessions_expires_at')
    // A user's sessions, newest first, from the index alone; the id (UUIDv7,
    // time-ordered) orders logins of the same millisecond.
    table.index(['user_id', 'created_at', 'id'], 'sessions_user_id_created_at')
    tableDefaults(table)
  })
  await db.schema.createTable('refresh_tokens', (table) => {
    // SHA-256 of the token, hex: the token itself is never stored.
    table.specificType('token_hash', ascii('char(64)')).primary()
    table
      .specificType('session_id', ascii('char(36)'))
      .notNullable()
      .index('refresh_tokens_session_id')
    table.datetime('created_at', { precision: 3 }).notNullable()
    // Set when the token is spent; a later use past the grace ends the session.
    table.datetime('spent_at', { precision: 3 }).nullable()
    // The token that replaced it, encrypted under a key derived from this
    // token, which only its holder has: a retry within the grace gets the
    // same successor, and a copy of the database reveals none.
    table.specificType('successor', ascii('varchar(128)')).nullable()
    tableDefaults(table)
  })
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('refresh_tokens')
  await db.schema.dropTable('sessions')
}
