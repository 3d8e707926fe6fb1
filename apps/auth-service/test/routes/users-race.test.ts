import t from 'tap'
import { countUsers } from '../helpers/requests.js'
import { forEachDialect } from '../helpers/test-app.js'

const RACERS = 24

function mixedCase(name: string, seed: number): string {
  return [...name].map((c, i) => ((seed >> i) & 1 ? c.toUpperCase() : c)).join('')
}

t.test('concurrent registrations of one name: exactly one 201, the rest 409', async (t) => {
  forEachDialect(t, async (t, { app }) => {
    await app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = app.server.address() as { port: number }
    const answers = await Promise.all(
      Array.from({ length: RACERS }, (_, seed) =>
        fetch(`http://127.0.0.1:${port}/users`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            username: mixedCase('racername', seed),
            password: 'a fine passphrase',
          }),
        }).then(async (response) => ({
          status: response.status,
          body: (await response.json()) as { code?: string },
        })),
      ),
    )
    const statuses = answers.map((answer) => answer.status).sort()
    t.same(statuses, [201, ...Array(RACERS - 1).fill(409)])
    for (const loser of answers.filter((answer) => answer.status === 409)) {
      t.equal(loser.body.code, 'USERNAME_TAKEN')
    }
    t.equal(await countUsers(app), 1)
  })
})
