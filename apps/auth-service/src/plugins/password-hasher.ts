import bcrypt from 'bcrypt'
import fp from 'fastify-plugin'

export interface PasswordHasher {
  /** The bcrypt work factor new hashes are made with. */
  readonly cost: number
  /** Hashes on libuv's thread pool, off the event loop. */
  hash(password: string): Promise<string>
  /**
   * Whether `password` matches `hash`. With no hash (no such user) it checks
   * against a stand-in hash of the configured cost and answers false, so the
   * answer takes as long as for a user who exists.
   */
  verify(password: string, hash: string | undefined): Promise<boolean>
  /** Whether a stored hash was made at another cost than the configured one. */
  needsRehash(hash: string): boolean
}

declare module 'fastify' {
  interface FastifyInstance {
    passwordHasher: PasswordHasher
  }
}

// The salt and digest of a real bcrypt hash. compare() does all the work the
// cost in front of them asks for whatever they are, so a stand-in of any cost
// needs no hashing at start.
const STAND_IN_SALT_AND_DIGEST = 'irOpIed5scB/.EUHHeYQduWtzlA/fhe39rMJW/SKnf5rfPp6/WOAe'

export function standInHash(cost: number): string {
  return `$2b$${String(cost).padStart(2, '0')}$${STAND_IN_SALT_AND_DIGEST}`
}

export default fp<{ cost: number }>(
  async (fastify, { cost }) => {
    const standIn = standInHash(cost)
    const passwordHasher: PasswordHasher = {
      cost,
      hash: (password) => bcrypt.hash(password, cost),
      async verify(password, hash) {
        if (hash !== undefined) return bcrypt.compare(password, hash)
        await bcrypt.compare(password, standIn)
        return false
      },
      needsRehash: (hash) => bcrypt.getRounds(hash) !== cost,
    }
    fastify.decorate('passwordHasher', passwordHasher)
  },
  { name: 'password-hasher' },
)
