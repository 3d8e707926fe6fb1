import { createHmac } from 'node:crypto'
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  DatabaseError,
  type IdempotencyRecord,
  type Knex,
  releaseIdempotencyKey,
} from '@auth-service/db'
import {
  IdempotencyKeyReused,
  type RegisterUserBody,
  RequestInProgress,
  type UserView,
} from '@auth-service/shared'
import type { FastifyBaseLogger } from 'fastify'
import { classifyError, errorBody, withHeaders } from '../errors/classify-error.js'

// Longer than any registration can run (request timeout, hash queue, query
// timeouts): a claim older than this belongs to a request that died.
const CLAIM_LOCK_MS = 30_000

export interface RegistrationAnswer {
  statusCode: number
  body: unknown
  /** The stored answer of an earlier request with the same key. */
  replayed: boolean
}

export interface IdempotencyDeps {
  db: Knex
  /** The HMAC key of request fingerprints. */
  fingerprintKey: Buffer
  ttlMs: number
  log: FastifyBaseLogger
}

export interface KeyedRegistration {
  /** '' without a client certificate, else its SHA-256 fingerprint. */
  caller: string
  key: string
  body: RegisterUserBody
}

/**
 * Runs a registration at most once per (caller, key): the first request
 * runs and its answer is stored; a repeat gets that answer; the same key
 * with another body is 422; a repeat while the first runs is 409.
 */
export async function registerIdempotently(
  deps: IdempotencyDeps,
  request: KeyedRegistration,
  register: () => Promise<UserView>,
): Promise<RegistrationAnswer> {
  const fingerprint = createHmac('sha256', deps.fingerprintKey)
    .update(JSON.stringify([request.body.username, request.body.password]))
    .digest('hex')
  const outcome = await claimIdempotencyKey(deps.db, {
    caller: request.caller,
    key: request.key,
    fingerprint,
    now: new Date(),
    lockMs: CLAIM_LOCK_MS,
    ttlMs: deps.ttlMs,
  })
  if (!outcome.claimed) return storedAnswer(outcome.existing, fingerprint)
  const { owner } = outcome

  let view: UserView
  try {
    view = await register()
  } catch (error) {
    // The COMMIT may have landed and the row is being rolled back: the claim
    // stays until its lock runs out, so no retry meets that row and hears
    // USERNAME_TAKEN for good.
    if (error instanceof DatabaseError && error.outcomeUnknown) throw error
    const answer = classifyError(error as never)
    // A refusal is the answer to this body; a fault or a limit is not, and
    // the retry that follows must run the registration again.
    const final = answer.statusCode < 500 && answer.code !== 'RATE_LIMITED'
    const settle = final
      ? completeIdempotencyKey(deps.db, owner, {
          statusCode: answer.statusCode,
          body: JSON.stringify(errorBody(answer)),
        })
      : releaseIdempotencyKey(deps.db, owner)
    await settle.catch((settleError: unknown) =>
      deps.log.warn({ err: settleError }, 'could not settle an idempotency key'),
    )
    throw error
  }
  // The user exists: the caller hears so even if the answer cannot be stored.
  const stored = await completeIdempotencyKey(deps.db, owner, {
    statusCode: 201,
    body: JSON.stringify(view),
  }).catch((error: unknown) => {
    deps.log.warn({ err: error }, 'could not store the answer of an idempotency key')
    return true
  })
  if (!stored) deps.log.warn('an idempotency key was taken over while its request ran')
  return { statusCode: 201, body: view, replayed: false }
}

function storedAnswer(existing: IdempotencyRecord, fingerprint: string): RegistrationAnswer {
  if (existing.fingerprint !== fingerprint) throw new IdempotencyKeyReused()
  if (existing.statusCode === null || existing.responseBody === null) {
    throw withHeaders(new RequestInProgress(), { 'retry-after': '1' })
  }
  return {
    statusCode: existing.statusCode,
    body: JSON.parse(existing.responseBody),
    replayed: true,
  }
}
