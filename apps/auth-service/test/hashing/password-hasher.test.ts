import bcrypt from 'bcrypt'
import t from 'tap'
import { createPasswordHasher, standInHash } from '../../src/hashing/password-hasher.js'

t.test('the stand-in hash has the configured cost and is one bcrypt accepts', async (t) => {
  for (const cost of [4, 10, 12, 15]) {
    t.equal(bcrypt.getRounds(standInHash(cost)), cost, `cost ${cost}`)
  }
  // A malformed hash would make compare() return at once, without the work.
  t.equal(await bcrypt.compare('any password', standInHash(4)), false)
})

t.test('verify: the stored hash when there is one, a stand-in and false otherwise', async (t) => {
  const hasher = createPasswordHasher(4)
  const hash = await hasher.hash('a fine passphrase')
  t.equal(await hasher.verify('a fine passphrase', hash), true)
  t.equal(await hasher.verify('another passphrase', hash), false)
  t.equal(await hasher.verify('a fine passphrase', undefined), false)
  t.equal(hasher.needsRehash(hash), false)
  t.equal(hasher.needsRehash(await bcrypt.hash('x', 5)), true)
})

t.test('a hash cheaper than the configured cost also pays for the stand-in', async (t) => {
  const hasher = createPasswordHasher(5)
  const cheaper = await bcrypt.hash('a fine passphrase', 4)
  const costlier = await bcrypt.hash('a fine passphrase', 6)

  const compare = bcrypt.compare
  const compared: string[] = []
  bcrypt.compare = ((password: string, hash: string) => {
    compared.push(hash)
    return compare(password, hash)
  }) as typeof bcrypt.compare
  t.teardown(() => {
    bcrypt.compare = compare
  })

  t.equal(await hasher.verify('a fine passphrase', cheaper), true)
  t.same(compared.sort(), [cheaper, standInHash(5)].sort(), 'both, so at least cost 5')
  compared.length = 0
  t.equal(await hasher.verify('wrong passphrase', costlier), false)
  t.same(compared, [costlier], 'a costlier hash alone')
})
