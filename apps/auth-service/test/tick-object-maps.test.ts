import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'

const FIXTURE = path.resolve(import.meta.dirname, 'fixtures/tick-object-maps.ts')
const SERVER = path.resolve(import.meta.dirname, '../src/server.ts')

t.test("the tick objects' hidden classes outlive full collections", async (t) => {
  const output = execFileSync(
    process.execPath,
    ['--import=tsx', '--expose-gc', '--allow-natives-syntax', FIXTURE],
    { encoding: 'utf8' },
  )
  t.same(JSON.parse(output), {
    kept: true,
    keptIsATickObject: true,
    sameMapAfterCollections: true,
  })
})

t.test('the entry point imports the keeper before anything else', async (t) => {
  const firstImport = /^import .*$/m.exec(readFileSync(SERVER, 'utf8'))?.[0]
  t.equal(firstImport, "import './tick-object-maps.js'")
})
