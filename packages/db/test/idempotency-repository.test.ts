import t from 'tap'
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  type IdempotencyClaim,
  releaseIdempotencyKey,
} from '../src/idempotency-repository.js'
import { forEachDialect } from './with-test-db.js'

const claimAt = (now: Date, fingerprint = 'f'.repeat(64)): IdempotencyClaim => ({
  caller: '',
  key: 'the-key',
  fingerprint,
  now,
  lockMs: 30_000,
  ttlMs: 86_400_000,
})

t.test(
  'a request that lost its claim to a take-over neither answers nor releases it',
  async (t) => {
    forEachDialect(t, async (t, db) => {
      const start = new Date()
      const first = await claimIdempotencyKey(db, claimAt(start))
      const late = new Date(start.getTime() + 31_000)
      const second = await claimIdempotencyKey(db, claimAt(late))
      if (!first.claimed || !second.claimed) throw new Error('both should have claimed')
      t.not(first.owner.claimToken, second.owner.claimToken)

      await releaseIdempotencyKey(db, first.owner)
      const stillHeld = await claimIdempotencyKey(db, claimAt(late))
      t.equal(stillHeld.claimed, false, 'the first holder could not release the second’s claim')

      const answer = { statusCode: 201, body: '{"id":"first"}' }
      t.equal(await completeIdempotencyKey(db, first.owner, answer), false)
      t.equal(
        await completeIdempotencyKey(db, second.owner, { ...answer, body: '{"id":"second"}' }),
        true,
      )
      const replay = await claimIdempotencyKey(db, claimAt(late))
      t.equal(replay.claimed, false)
      if (!replay.claimed) t.equal(replay.existing.responseBody, '{"id":"second"}')
    })
  },
)

t.test('a claim is not taken over before its lock runs out, nor with another body', async (t) => {
  forEachDialect(t, async (t, db) => {
    const start = new Date()
    t.equal((await claimIdempotencyKey(db, claimAt(start))).claimed, true)
    const soon = new Date(start.getTime() + 29_000)
    t.equal((await claimIdempotencyKey(db, claimAt(soon))).claimed, false)
    const late = new Date(start.getTime() + 31_000)
    t.equal((await claimIdempotencyKey(db, claimAt(late, 'e'.repeat(64)))).claimed, false)
  })
})
