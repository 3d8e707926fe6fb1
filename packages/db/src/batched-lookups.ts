import type { Knex } from 'knex'
import { preparedReads } from './prepared-reads.js'

/** The most keys one statement asks for; more in one turn go as several statements. */
export const MAX_KEYS_PER_STATEMENT = 32

/**
 * A lookup of rows by one key column: `sql` selects from a table `where
 * <column> in (?, …)`, and `keyOf` reads the column back from a row. The
 * column's collation must match strings exactly, as JavaScript does: a row
 * is handed to the key equal to its column.
 */
export interface LookupDefinition<Row> {
  sql(placeholders: string): string
  keyOf(row: Row): string
}

interface Waiter<Row> {
  resolve(row: Row | undefined): void
  reject(error: unknown): void
}

/**
 * The row whose key column equals `key`, if any. Lookups asked for in the same
 * turn of the event loop go to the database as one statement when the turn
 * ends: under load a turn reads several requests, and a statement per lookup
 * cost the database and the driver more than the row itself (measured in
 * docs/performance.md). A lookup made alone still goes at once, at the end of
 * its own turn.
 */
export function lookUp<Row>(
  db: Knex,
  definition: LookupDefinition<Row>,
  key: string,
): Promise<Row | undefined> {
  const params = db.userParams as {
    lookups?: Map<LookupDefinition<unknown>, LookupBatcher<unknown>>
  }
  params.lookups ??= new Map()
  let batcher = params.lookups.get(definition) as LookupBatcher<Row> | undefined
  if (batcher === undefined) {
    batcher = new LookupBatcher(definition, (sql, keys) => preparedReads(db).rows<Row>(sql, keys))
    params.lookups.set(definition, batcher as LookupBatcher<unknown>)
  }
  return batcher.load(key)
}

/** Collects the keys of one turn and reads them in statements of at most MAX_KEYS_PER_STATEMENT. */
export class LookupBatcher<Row> {
  #waiting = new Map<string, Array<Waiter<Row>>>()
  #flushScheduled = false
  readonly #definition: LookupDefinition<Row>
  readonly #read: (sql: string, keys: string[]) => Promise<Row[]>

  constructor(
    definition: LookupDefinition<Row>,
    read: (sql: string, keys: string[]) => Promise<Row[]>,
  ) {
    this.#definition = definition
    this.#read = read
  }

  load(key: string): Promise<Row | undefined> {
    return new Promise((resolve, reject) => {
      const waiters = this.#waiting.get(key)
      if (waiters === undefined) this.#waiting.set(key, [{ resolve, reject }])
      else waiters.push({ resolve, reject })
      if (!this.#flushScheduled) {
        this.#flushScheduled = true
        setImmediate(() => this.#flush())
      }
    })
  }

  #flush() {
    this.#flushScheduled = false
    const waiting = this.#waiting
    this.#waiting = new Map()
    let batch = new Map<string, Array<Waiter<Row>>>()
    for (const [key, waiters] of waiting) {
      batch.set(key, waiters)
      if (batch.size === MAX_KEYS_PER_STATEMENT) {
        this.#send(batch)
        batch = new Map()
      }
    }
    if (batch.size > 0) this.#send(batch)
  }

  #send(batch: Map<string, Array<Waiter<Row>>>) {
    const keys = paddedKeys([...batch.keys()])
    const sql = this.#definition.sql(placeholders(keys.length))
    this.#read(sql, keys).then(
      (rows) => {
        const rowByKey = new Map<string, Row>()
        for (const row of rows) rowByKey.set(this.#definition.keyOf(row), row)
        for (const [key, waiters] of batch) {
          const row = rowByKey.get(key)
          for (const waiter of waiters) waiter.resolve(row)
        }
      },
      (error: unknown) => {
        for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error)
      },
    )
  }
}

/**
 * The keys, the first one repeated up to a power of two: each connection then
 * prepares at most six statements per lookup (1, 2, 4 … 32 placeholders)
 * instead of one for every count of keys.
 */
export function paddedKeys(keys: string[]): string[] {
  let size = 1
  while (size < keys.length) size *= 2
  const padded = keys.slice()
  while (padded.length < size) padded.push(keys[0] as string)
  return padded
}

function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ')
}
