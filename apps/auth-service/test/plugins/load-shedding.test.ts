import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { assertErrorBody, registerUser } from '../helpers/requests.js'
import { forEachDialect } from '../helpers/test-app.js'

t.test('under memory pressure everything but probes and metrics gets 503', async (t) => {
  forEachDialect(t, async (t, { startApp }) => {
    // Any heap is over one megabyte: the process counts as under pressure
    // from its first sample on.
    const { app, logs } = await startApp({ MAX_HEAP_USED_MB: '1' })
    // under-pressure samples on a timer; wait for the sample, not a fixed time.
    while (!app.isUnderPressure()) await sleep(20)
    const registration = await registerUser(app, {
      username: 'shed',
      password: 'a fine passphrase',
    })
    assertErrorBody(t, registration, 503, 'OVERLOADED')
    t.equal(registration.headers['retry-after'], '5')
    assertErrorBody(t, await app.inject({ url: '/users/me' }), 503, 'OVERLOADED')
    for (const url of ['/livez', '/readyz', '/metrics']) {
      t.equal((await app.inject({ url })).statusCode, 200, `${url} still answers`)
    }
    const metrics = (await app.inject({ url: '/metrics' })).body
    t.match(metrics, /load_shed_total\{reason="heapUsedBytes"\} 2/)
    t.match(logs(), /"code":"OVERLOADED","reason":"[^"]+","msg":"service unavailable"/)
  })
})
