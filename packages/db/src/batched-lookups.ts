import type { Knex } from 'knex'
import { preparedReads } from './prepared-reads.js'

/** The most keys one statement asks for; more in one turn go as several statements. */
export const MAX_KEYS_PER_STATEMENT = 32

/**
 * A lookup of rows by one key column: `sql` selects from a table `where
 * <column> in (?, …)`, and `keyOf` reads the column back from a row. A row
 * goes to the key equal to its column as JavaScript compares strings, so the
 * column's collation must be binary, and keys must not end in spaces (MySQL's
 * binary collations ignore trailing spaces). Define one as a module constant:
 * each definition has a batcher of its own per database.
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
  const batchers = batchersOf(db)
  let batcher = batchers.get(definition) as LookupBatcher<Row> | undefined
  if (batcher === undefined) {
    batcher = new LookupBatcher(definition, (sql, keys) => preparedReads(db).rows<Row>(sql, keys))
    batchers.set(definition, batcher as LookupBatcher<unknown>)
  }
  return batcher.load(key)
}

/**
 * Sends the lookups still waiting for the end of the turn. Closing the
 * database calls this first: the lookups asked for before the close are
 * read, as a read started before it is, instead of refused.
 */
export function flushLookups(db: Knex): void {
  for (const batcher of batchersOf(db).values()) batcher.flush()
}

function batchersOf(db: Knex): Map<LookupDefinition<unknown>, LookupBatcher<unknown>> {
  const params = db.userParams as {
    lookups?: Map<LookupDefinition<unknown>, LookupBatcher<unknown>>
  }
  params.lookups ??= new Map()
  return params.lookups
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
        setImmediate(() => this.flush())
      }
    })
  }

  /** Sends what waits now; the end of the turn finds nothing left to send. */
  flush() {
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
    // Started now, not in a later tick: flushLookups counts on the read
    // having begun before the database closes. A reader or a row that throws
    // fails the lookups of this batch, never the turn that sends it.
    let reading: Promise<Row[]>
    try {
      reading = this.#read(this.#definition.sql(placeholders(keys.length)), keys)
    } catch (error) {
      reading = Promise.reject(error)
    }
    reading
      .then((rows) => {
        const rowByKey = new Map<string, Row>()
        for (const row of rows) rowByKey.set(this.#definition.keyOf(row), row)
        return rowByKey
      })
      .then(
        (rowByKey) => {
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
