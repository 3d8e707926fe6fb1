import t from 'tap'
import { logIn, registerUser } from '../helpers/requests.js'
import { forEachDialect } from '../helpers/test-app.js'

t.test('GET /metrics: requests, hashing, pool, rate limits and the process', async (t) => {
  forEachDialect(t, async (t, { app }) => {
    const user = (await registerUser(app, { username: 'counted', password: 'a fine pass' })).json()
    await app.inject({ url: `/users/${user.id}` })
    await app.inject({ url: '/users/01900000-0000-7000-8000-000000000000' })
    await logIn(app, { username: 'counted', password: 'a fine pass' })
    await app.inject({ url: '/nowhere' })

    const response = await app.inject({ url: '/metrics' })
    t.equal(response.statusCode, 200)
    t.match(response.headers['content-type'], /^text\/plain; version=0\.0\.4/)
    const metrics = response.body
    const expected = [
      /http_requests_total\{method="POST",route="\/users",status_code="201"\} 1/,
      /http_requests_total\{method="GET",route="\/users\/:id",status_code="200"\} 1/,
      /http_requests_total\{method="GET",route="\/users\/:id",status_code="404"\} 1/,
      /http_requests_total\{method="GET",route="unmatched",status_code="404"\} 1/,
      /http_request_duration_seconds_bucket\{le="0.1",method="POST",route="\/tokens",status_code="200"\} 1/,
      /password_hash_duration_seconds_count\{operation="hash"\} 1/,
      /password_hash_duration_seconds_count\{operation="verify"\} 1/,
      /password_hash_queue_waiting 0/,
      /password_hash_running 0/,
      /password_hash_rejections_total 0/,
      /db_pool_connections_in_use \d+/,
      /db_pool_acquires_waiting 0/,
      /rate_limit_rejections_total/,
      /registrations_pending_rollback 0/,
      /process_cpu_seconds_total/,
      /nodejs_eventloop_lag_seconds/,
      /nodejs_heap_size_used_bytes/,
    ]
    for (const pattern of expected) t.match(metrics, pattern, String(pattern))
    t.notMatch(metrics, user.id, 'ids never become labels')
  })
})
