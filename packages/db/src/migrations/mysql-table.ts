import type { Knex } from 'knex'
import { dialectOf } from '../dialect.js'

/** What every table's migration needs to know about MySQL. */
export function mysqlTableHelpers(db: Knex) {
  const mysql = dialectOf(db) === 'mysql'
  return {
    // ASCII with binary collation for machine strings (UUIDs, hashes, keys):
    // one byte a character, compared byte for byte.
    ascii: (type: string) => (mysql ? `${type} character set ascii collate ascii_bin` : type),
    /** InnoDB, utf8mb4, and a binary collation: no collation merges or splits values. */
    tableDefaults(table: Knex.CreateTableBuilder) {
      if (!mysql) return
      table.engine('InnoDB')
      table.charset('utf8mb4')
      table.collate('utf8mb4_bin')
    },
  }
}
