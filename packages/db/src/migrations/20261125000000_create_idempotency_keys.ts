import type { Knex } from 'knex'
import { mysqlTableHelpers } from './mysql-table.js'

export async function up(db: Knex): Promise<void> {
  const { ascii, tableDefaults } = mysqlTableHelpers(db)
  await db.schema.createTable('idempotency_keys', (table) => {
    // Keys are per caller: '' without a client certificate, else its SHA-256.
    table.specificType('caller', ascii('varchar(64)')).notNullable()
    table.specificType('idempotency_key', ascii('varchar(255)')).notNullable()
    // HMAC of the request body under a key only the service holds: the body
    // carries a password, and a bare hash of it could be guessed offline.
    table.specificType('fingerprint', ascii('char(64)')).notNullable()
    // Null while the first request runs; then its answer, never a password.
    table.integer('status_code').nullable()
    table.text('response_body').nullable()
    // Which request holds the claim: a request that lost it to a take-over
    // must not overwrite or release the new holder's.
    table.specificType('claim_token', ascii('char(36)')).notNullable()
    // A request that died mid-way leaves its claim; past this it may be taken over.
    table.datetime('locked_until', { precision: 3 }).notNullable()
    table
      .datetime('expires_at', { precision: 3 })
      .notNullable()
      .index('idempotency_keys_expires_at')
    table.datetime('created_at', { precision: 3 }).notNullable()
    table.primary(['caller', 'idempotency_key'])
    tableDefaults(table)
  })
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('idempotency_keys')
}
