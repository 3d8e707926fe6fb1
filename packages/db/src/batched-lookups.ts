import type { Knex } from 'knex'
import { dialectOf } from './dialect.js'
import { preparedReads } from './prepared-reads.js'

/**
 * The most keys one statement asks for; more in one turn go as several
 * statements. SQLite's form is a compound select of one part per key: keep
 * this below SQLite's limit on those parts (500 by default).
 */
export const MAX_KEYS_PER_STATEMENT = 32

/**
 * A lookup of rows by one key column: `select` names the columns and the
 * table (`select <columns> from <table>`), `keyColumn` the column the keys
 * are compared with, and `keyOf` reads it back from a row. A row goes to the
 * key equal to its column as JavaScript compares strings, so the column's
 * collation must be binary, and keys must not end in spaces (MySQL's binary
 * collations ignore trailing spaces). Define one as a module constant: each
 * definition has a batcher of its own per database.
 */
export interface LookupDefinition<Row> {
  select: string
  keyColumn: string
  keyOf(row: Row): string
}

/** How one statement asks for several keys, as a dialect reads them best. */
export interface StatementForm {
  /** The keys to send for these: the same, or padded to a count with a statement of its own. */
  keysToSend(keys: string[]): string[]
  sql(definition: LookupDefinition<unknown>, keyCount: number): string
}

/**
 * MySQL: `where <key> in (?, …)`, the keys padded with the first to a power
 * of two, so that each connection prepares at most six statements per lookup
 * (1, 2, 4 … 32 keys) instead of one for every count of keys.
 */
export const inListForm: StatementForm = {
  keysToSend: paddedKeys,
  sql: ({ select, keyColumn }, keyCount) =>
    `${select} where ${keyColumn} in (${Array.from({ length: keyCount }, () => '?').join(', ')})`,
}

/**
 * SQLite: a point select per key, joined by `union all`. For an `in` list
 * SQLite builds a temporary index of the keys in every statement: under the
 * register-taken load a statement of about six keys took about 20 µs that way
 * and about 15 µs this way (docs/performance.md). Statements are prepared
 * in-process, so one for each count of keys costs nothing to keep. A batch's
 * keys are distinct, so no row comes twice.
 */
export const unionForm: StatementForm = {
  keysToSend: (keys) => keys,
  sql: ({ select, keyColumn }, keyCount) =>
    Array.from({ length: keyCount }, () => `${select} where ${keyColumn} = ?`).join(' union all '),
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
    const form = dialectOf(db) === 'mysql' ? inListForm : unionForm
    batcher = new LookupBatcher(definition, form, (sql, keys) =>
      preparedReads(db).rows<Row>(sql, keys),
    )
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

interface Waiter<Row> {
  resolve(row: Row | undefined): void
  reject(error: unknown): void
}

/** Collects the keys of one turn and reads them in statements of at most MAX_KEYS_PER_STATEMENT. */
export class LookupBatcher<Row> {
  #waiting = new Map<string, Array<Waiter<Row>>>()
  #flushScheduled = false
  readonly #definition: LookupDefinition<Row>
  readonly #form: StatementForm
  readonly #read: (sql: string, keys: string[]) => Promise<Row[]>
  // Each count's statement text made once, not at every flush; SQLite's reader
  // then finds the same string in its map of prepared statements.
  readonly #sqlByKeyCount: string[] = []

  constructor(
    definition: LookupDefinition<Row>,
    form: StatementForm,
    read: (sql: string, keys: string[]) => Promise<Row[]>,
  ) {
    this.#definition = definition
    this.#form = form
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
    // Started now, not in a later tick: flushLookups counts on the read
    // having begun before the database closes. A reader or a row that throws
    // fails the lookups of this batch, never the turn that sends it.
    let reading: Promise<Row[]>
    try {
      const keys = this.#form.keysToSend([...batch.keys()])
      reading = this.#read(this.#sqlFor(keys.length), keys)
    } catch (error) {
      reading = Promise.reject(error)
    }
    reading
      .then((rows) => {
        const rowByKey = new Map<string, Row>()
        for (const row of rows) rowByKey.set(this.#definition.keyOf(row), row)
        for (const [key, waiters] of batch) {
          const row = rowByKey.get(key)
          for (const waiter of waiters) waiter.resolve(row)
        }
      })
      .catch((error: unknown) => {
        for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error)
      })
  }

  #sqlFor(keyCount: number): string {
    let sql = this.#sqlByKeyCount[keyCount]
    if (sql === undefined) {
      sql = this.#form.sql(this.#definition, keyCount)
      this.#sqlByKeyCount[keyCount] = sql
    }
    return sql
  }
}

/** The keys, the first one repeated up to a power of two (inListForm). */
export function paddedKeys(keys: string[]): string[] {
  let size = 1
  while (size < keys.length) size *= 2
  const padded = keys.slice()
  while (padded.length < size) padded.push(keys[0] as string)
  return padded
}
