import { randomUUID } from 'node:crypto'
import type { Knex } from 'knex'
import { runQuery } from './database-error.js'
import { isUniqueViolation } from './dialect.js'

/** A stored idempotency key: who used it, for what body, and the answer once known. */
export interface IdempotencyRecord {
  caller: string
  key: string
  fingerprint: string
  /** Null while the first request with the key is still running. */
  statusCode: number | null
  responseBody: string | null
  lockedUntil: Date
  expiresAt: Date
}

export interface IdempotencyClaim {
  caller: string
  key: string
  fingerprint: string
  now: Date
  /** How long a claim holds before a request that died may be taken over. */
  lockMs: number
  /** How long the key and its answer are kept. */
  ttlMs: number
}

/** Who holds a claim: completes or releases it only while it still holds it. */
export interface IdempotencyOwner {
  caller: string
  key: string
  claimToken: string
}

export type ClaimOutcome =
  | { claimed: true; owner: IdempotencyOwner }
  | { claimed: false; existing: IdempotencyRecord }

interface IdempotencyRow {
  caller: string
  idempotency_key: string
  fingerprint: string
  status_code: number | null
  response_body: string | null
  claim_token: string
  // MySQL gives a Date; SQLite keeps the milliseconds since the epoch.
  locked_until: Date | number
  expires_at: Date | number
  created_at: Date | number
}

const TABLE = 'idempotency_keys'
// A claim races with the expiry or take-over of someone else's: a few rounds settle it.
const CLAIM_ATTEMPTS = 4

function recordOf(row: IdempotencyRow): IdempotencyRecord {
  return {
    caller: row.caller,
    key: row.idempotency_key,
    fingerprint: row.fingerprint,
    statusCode: row.status_code,
    responseBody: row.response_body,
    lockedUntil: new Date(row.locked_until),
    expiresAt: new Date(row.expires_at),
  }
}

/**
 * Makes this request the owner of (caller, key), or tells who is: a new key
 * is claimed; an expired one is replaced; an unanswered one whose lock ran
 * out with the same body is taken over; anything else comes back as it is.
 */
export async function claimIdempotencyKey(
  db: Knex,
  claim: IdempotencyClaim,
): Promise<ClaimOutcome> {
  const where = { caller: claim.caller, idempotency_key: claim.key }
  const lockedUntil = new Date(claim.now.getTime() + claim.lockMs)
  const owner = { caller: claim.caller, key: claim.key, claimToken: randomUUID() }
  for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
    try {
      await runQuery(
        db,
        db<IdempotencyRow>(TABLE).insert({
          ...where,
          fingerprint: claim.fingerprint,
          status_code: null,
          response_body: null,
          claim_token: owner.claimToken,
          locked_until: lockedUntil,
          expires_at: new Date(claim.now.getTime() + claim.ttlMs),
          created_at: claim.now,
        }),
      )
      return { claimed: true, owner }
    } catch (error) {
      if (!isUniqueViolation(error)) throw error
    }
    const row = await runQuery(db, db<IdempotencyRow>(TABLE).where(where).first())
    if (row === undefined) continue
    const existing = recordOf(row)
    // Conditions on the values read: of two requests racing here, one wins.
    const unchanged = { ...where, expires_at: row.expires_at, locked_until: row.locked_until }
    if (existing.expiresAt <= claim.now) {
      await runQuery(db, db<IdempotencyRow>(TABLE).where(unchanged).delete())
      continue
    }
    const abandoned =
      existing.statusCode === null &&
      existing.lockedUntil <= claim.now &&
      existing.fingerprint === claim.fingerprint
    if (abandoned) {
      const taken = await runQuery(
        db,
        db<IdempotencyRow>(TABLE)
          .where(unchanged)
          .whereNull('status_code')
          .update({ locked_until: lockedUntil, claim_token: owner.claimToken }),
      )
      if (taken === 1) return { claimed: true, owner }
      continue
    }
    return { claimed: false, existing }
  }
  throw new Error('an idempotency key kept changing under this request')
}

function heldBy(owner: IdempotencyOwner) {
  return { caller: owner.caller, idempotency_key: owner.key, claim_token: owner.claimToken }
}

/** Stores the answer of the claim's holder; false when the claim was taken over meanwhile. */
export async function completeIdempotencyKey(
  db: Knex,
  owner: IdempotencyOwner,
  answer: { statusCode: number; body: string },
): Promise<boolean> {
  const updated = await runQuery(
    db,
    db<IdempotencyRow>(TABLE)
      .where(heldBy(owner))
      .whereNull('status_code')
      .update({ status_code: answer.statusCode, response_body: answer.body }),
  )
  return updated === 1
}

/** Gives up an unanswered claim, so that a retry runs the request again. */
export async function releaseIdempotencyKey(db: Knex, owner: IdempotencyOwner): Promise<void> {
  await runQuery(
    db,
    db<IdempotencyRow>(TABLE).where(heldBy(owner)).whereNull('status_code').delete(),
  )
}

/** Deletes the expired keys; returns how many went. Run often, so each sweep is small. */
export async function deleteExpiredIdempotencyKeys(db: Knex, now: Date): Promise<number> {
  return runQuery(db, db<IdempotencyRow>(TABLE).where('expires_at', '<=', now).delete())
}
