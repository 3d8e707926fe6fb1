import type { Knex } from 'knex'
import { dialectOf } from '../dialect.js'

export async function up(db: Knex): Promise<void> {
  const mysql = dialectOf(db) === 'mysql'
  // ASCII with binary collation for machine strings: a UUID or a bcrypt hash
  // takes one byte a character and compares byte for byte.
  const ascii = (type: string) => (mysql ? `${type} character set ascii collate ascii_bin` : type)
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
    if (mysql) {
      table.engine('InnoDB')
      table.charset('utf8mb4')
      table.collate('utf8mb4_bin')
    }
  })
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('users')
}
