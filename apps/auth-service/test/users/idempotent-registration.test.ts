import { DatabaseError } from '@auth-service/db'
import t from 'tap'
import { registerIdempotently } from '../../src/users/idempotent-registration.js'
import { forEachDialect } from '../helpers/test-app.js'

const body = { username: 'Unknown', password: 'an unknown outcome' }

t.test(
  'after a COMMIT of unknown outcome the key stays claimed, so no retry hears "taken"',
  async (t) => {
    forEachDialect(t, async (t, { app }) => {
      const deps = {
        db: app.db,
        fingerprintKey: Buffer.alloc(32, 1),
        ttlMs: 86_400_000,
        log: app.log,
      }
      const request = { caller: '', key: 'unknown-outcome', body }
      const lostCommit = Object.assign(new DatabaseError(new Error('connection lost')), {
        outcomeUnknown: true,
      })
      await t.rejects(
        registerIdempotently(deps, request, async () => {
          throw lostCommit
        }),
        lostCommit,
      )
      const [row] = await app.db('idempotency_keys').select('status_code')
      t.ok(row, 'the claim is still there')
      t.equal(row?.status_code, null, 'unanswered')
      await t.rejects(
        registerIdempotently(deps, request, async () => {
          throw new Error('a retry must not run the registration')
        }),
        { code: 'REQUEST_IN_PROGRESS' },
      )
    })
  },
)
