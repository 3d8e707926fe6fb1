import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'

const FIXTURE = path.resolve(import.meta.dirname, 'fixtures/heap-flags.ts')
const SERVER = path.resolve(import.meta.dirname, '../src/server.ts')
const PACKAGE = path.resolve(import.meta.dirname, '../package.json')

const startScriptFlags = () => {
  const { scripts } = JSON.parse(readFileSync(PACKAGE, 'utf8')) as { scripts: { start: string } }
  return scripts.start.split(' ').filter((arg) => arg.startsWith('--'))
}

const codeCacheTag = (flags: string[]) =>
  Number(
    execFileSync(process.execPath, [...flags, '-p', 'require("node:v8").cachedDataVersionTag()'], {
      encoding: 'utf8',
    }),
  )

const runFixture = (flags: string[]) =>
  JSON.parse(
    execFileSync(process.execPath, [...flags, '--import=tsx', FIXTURE], { encoding: 'utf8' }),
  ) as { tagAtStart: number; tagServing: number; youngGenerationMb: number }

t.test("with the start script's flags, Node's precompiled modules are accepted", async (t) => {
  const flags = startScriptFlags()
  t.ok(flags.includes('--max-semi-space-size=4'), flags.join(' '))
  t.not(codeCacheTag(flags), codeCacheTag([]), 'the flags alone would refuse them')
  const seen = runFixture(flags)
  t.equal(seen.tagAtStart, codeCacheTag([]), 'the tag of a process started with no flag')
  t.ok(
    seen.youngGenerationMb <= 8,
    `young generation ${seen.youngGenerationMb} MB: 4 MB semi-spaces`,
  )
})

t.test('once serving, the heap flags are those of --heap-growing-percent=20', async (t) => {
  const seen = runFixture(startScriptFlags())
  t.equal(seen.tagServing, codeCacheTag(['--heap-growing-percent=20']), 'the same code cache tag')
})

t.test('without the flag the young generation grows past 4 MB semi-spaces', async (t) => {
  const { youngGenerationMb } = runFixture([])
  t.ok(youngGenerationMb > 8, `young generation ${youngGenerationMb} MB`)
})

t.test(
  'the entry point resets the flags before any package, and sets the rest once listening',
  async (t) => {
    const source = readFileSync(SERVER, 'utf8')
    const imports = source.match(/^import .*$/gm) ?? []
    t.equal(
      imports[1],
      "import './heap-flags.js'",
      'second, after the tick objects',
    )
    const listening = source.indexOf('await app.listen(')
    t.ok(listening > 0 && source.indexOf('setServingHeapFlags()') > listening, 'after listen')
  },
)
