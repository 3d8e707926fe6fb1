import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'

const FIXTURE = path.resolve(import.meta.dirname, 'fixtures/heap-flags.ts')
const SERVER = path.resolve(import.meta.dirname, '../src/server.ts')
const SERVICE = path.resolve(import.meta.dirname, '../src/service.ts')
const PACKAGE = path.resolve(import.meta.dirname, '../package.json')

interface FixtureOutput {
  tagAtStart: number
  tagServing: number
  precompiled: string[]
  youngGenerationMb: number
}

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

const runFixture = (flags: string[], ...args: string[]): FixtureOutput =>
  JSON.parse(
    execFileSync(
      process.execPath,
      [...flags, '--expose-internals', '--import=tsx', FIXTURE, ...args],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    ),
  )

t.test("with the start script's flags restored, Node's modules load precompiled", async (t) => {
  const flags = startScriptFlags()
  t.ok(flags.includes('--max-semi-space-size=4'), flags.join(' '))
  const restored = runFixture(flags)
  t.same(restored.precompiled, ['tls', 'http'], 'tls and http from their precompiled code')
  t.equal(restored.tagAtStart, codeCacheTag([]), 'the tag of a process started with no flag')
  t.ok(
    restored.youngGenerationMb <= 8,
    `young generation ${restored.youngGenerationMb} MB: 4 MB semi-spaces`,
  )
  t.same(runFixture(flags, 'no-restore').precompiled, [], 'not restored: compiled from source')
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
  'the entry restores the flags, then loads the service; it sets the rest once listening',
  async (t) => {
    const entry = readFileSync(SERVER, 'utf8')
    const restored = entry.indexOf('restoreDefaultHeapFlags()\n')
    t.ok(restored > 0 && restored < entry.indexOf("await import('./service.js')"), 'the entry')
    const service = readFileSync(SERVICE, 'utf8')
    const listening = service.indexOf('await app.listen(')
    t.ok(listening > 0 && service.indexOf('setServingHeapFlags()') > listening, 'after listen')
  },
)
