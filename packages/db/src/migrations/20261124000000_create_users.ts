import type { Knex } from 'knex'
import { mysqlTableHelpers } from './mysql-table.js'

export async function up(db: Knex): Promise<void> {
  const { ascii, tableDefaults } = mysqlTableHelpers(db)
  await db.schema.createTable('users', (table) => {
    // UUIDv7 as its 36-character text: the same value in both dialects and in
    // every log and SQL shell, with no conversion on the hot path; v7 is
    // time-ordered, so inserts append to the primary-key B-tree like an
    // auto-increment would. 20 bytes a row more than BINARY(16) is cheap.
    table.specificType('id', ascii('char(36)')).primary()
    table.string('username', 64).notNullable()
    // Uniqueness is decided by our canonical form, byte for byte: the table's
    // collation is binary, so no database collation can merge or split names.
    table.string('username_canonical', 128).notNullable().unique({
      indexName: 'users_username_canonical_unique',
    })
    table.specificType('password_hash', ascii('varchar(255)')).notNullable()
    table.datetime('created_at', { precision: 3 }).notNullable()
    tableDefaults(table)
  })
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('users')
}
