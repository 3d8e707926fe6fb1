import t from 'tap'
import { RandomUuids } from '../src/random-uuids.js'

const VERSION_4_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

t.test('makes version 4 UUIDs, all different, across several batches', async (t) => {
  const uuids = new RandomUuids()
  // Batches of 256: this crosses three of them.
  const made = Array.from({ length: 1000 }, () => uuids.next())
  t.equal(made.filter((uuid) => !VERSION_4_UUID.test(uuid)).length, 0, 'every one well formed')
  t.equal(new Set(made).size, made.length, 'none repeated')
})

t.test(
  'uses the random bits it is given: every hex digit appears in every free position',
  async (t) => {
    const uuids = new RandomUuids()
    const seen = Array.from({ length: 36 }, () => new Set<string>())
    for (let i = 0; i < 2000; i++) {
      const uuid = uuids.next()
      for (let at = 0; at < uuid.length; at++) seen[at]?.add(uuid[at] ?? '')
    }
    const fixed = new Map([
      [8, '-'],
      [13, '-'],
      [14, '4'],
      [18, '-'],
      [23, '-'],
    ])
    for (const [at, digits] of seen.entries()) {
      const expected = fixed.get(at)
      if (expected !== undefined) t.same([...digits], [expected], `position ${at} is fixed`)
      else if (at === 19) t.same([...digits].sort(), ['8', '9', 'a', 'b'], 'the variant position')
      else if (digits.size !== 16) t.fail(`position ${at} had only ${digits.size} digits`)
    }
  },
)
