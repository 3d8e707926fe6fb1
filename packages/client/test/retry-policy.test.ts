import t from 'tap'
import { type AttemptFailure, networkFailure } from '../src/attempt-failure.js'
import { AuthServiceError } from '../src/auth-service-error.js'
import {
  backoffMs,
  IDEMPOTENT_POLICY,
  isRetryable,
  LOGIN_POLICY,
  READ_POLICY,
  REFRESH_POLICY,
  REGISTER_POLICY,
} from '../src/retry-policy.js'

const settings = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000 }

t.test('backoff is full jitter under a doubling, capped ceiling', async (t) => {
  t.equal(
    backoffMs(1, settings, undefined, () => 0.999),
    99,
  )
  t.equal(
    backoffMs(3, settings, undefined, () => 0.5),
    200,
  )
  t.equal(
    backoffMs(10, settings, undefined, () => 0.999),
    999,
    'capped at maxDelayMs',
  )
  t.equal(
    backoffMs(1, settings, undefined, () => 0),
    0,
  )
  t.equal(backoffMs(1, settings, 3000), 3000, 'Retry-After wins')
})

const answered = (statusCode: number, code: AuthServiceError['code']): AttemptFailure => ({
  stage: 'answered',
  error: new AuthServiceError(code, 'x', { statusCode }),
})
const failed = (stage: AttemptFailure['stage']): AttemptFailure => ({
  stage,
  error: new AuthServiceError('NETWORK_ERROR', 'x'),
})

t.test('which failures each kind of call repeats', async (t) => {
  const table: Array<[string, AttemptFailure, [boolean, boolean, boolean]]> = [
    // [read, register, login]
    ['503', answered(503, 'OVERLOADED'), [true, true, true]],
    // A proxy's 503 may follow a login the service handled: not repeated.
    ['503 off-contract', answered(503, 'UNEXPECTED_RESPONSE'), [true, true, false]],
    ['429', answered(429, 'RATE_LIMITED'), [true, true, true]],
    ['409 in progress', answered(409, 'REQUEST_IN_PROGRESS'), [false, true, false]],
    ['409 taken', answered(409, 'USERNAME_TAKEN'), [false, false, false]],
    ['400', answered(400, 'VALIDATION_FAILED'), [false, false, false]],
    ['401', answered(401, 'INVALID_CREDENTIALS'), [false, false, false]],
    ['404', answered(404, 'USER_NOT_FOUND'), [false, false, false]],
    ['422', answered(422, 'IDEMPOTENCY_KEY_REUSED'), [false, false, false]],
    ['500', answered(500, 'INTERNAL_ERROR'), [false, false, false]],
    ['refused', failed('not-sent'), [true, true, true]],
    ['reset', failed('maybe-sent'), [true, true, false]],
    ['attempt timeout', failed('timed-out'), [true, true, false]],
    ['tls', failed('fatal'), [false, false, false]],
  ]
  for (const [name, failure, [read, register, login]] of table) {
    t.equal(isRetryable(failure, READ_POLICY), read, `${name}: read`)
    t.equal(isRetryable(failure, REGISTER_POLICY), register, `${name}: register`)
    t.equal(isRetryable(failure, LOGIN_POLICY), login, `${name}: login`)
    // A refresh is repeated as a read within its window (send-with-retries), never after.
    t.equal(isRetryable(failure, REFRESH_POLICY), read, `${name}: refresh`)
    t.equal(isRetryable(failure, IDEMPOTENT_POLICY), read, `${name}: revoke, delete`)
  }
})

t.test('network errors are classified by how far the request got', async (t) => {
  const withCode = (code: string) => Object.assign(new Error(code), { code })
  t.equal(networkFailure(withCode('ECONNREFUSED'), 'id').stage, 'not-sent')
  t.equal(networkFailure(withCode('UND_ERR_CONNECT_TIMEOUT'), 'id').stage, 'not-sent')
  const aggregate = new AggregateError([withCode('ECONNREFUSED')], 'all failed')
  t.equal(networkFailure(aggregate, 'id').stage, 'not-sent', 'happy eyeballs')
  t.equal(networkFailure(withCode('ECONNRESET'), 'id').stage, 'maybe-sent')
  t.equal(networkFailure(withCode('UND_ERR_SOCKET'), 'id').stage, 'maybe-sent')
  t.equal(networkFailure(withCode('DEPTH_ZERO_SELF_SIGNED_CERT'), 'id').stage, 'fatal')
  const { error } = networkFailure(withCode('ECONNRESET'), 'req-9')
  t.equal(error.code, 'NETWORK_ERROR')
  t.equal(error.requestId, 'req-9')
})
