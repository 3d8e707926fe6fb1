import bcrypt from 'bcrypt'

export interface PasswordHasher {
  /** The bcrypt work factor new hashes are made with. */
  readonly cost: number
  /** Hashes on libuv's thread pool, off the event loop. */
  hash(password: string): Promise<string>
  /**
   * Whether `password` matches `hash`. With no hash (no such user) it checks
   * against a stand-in hash of the configured cost and answers false, so the
   * answer takes as long as for a user who exists. It never takes less than
   * the configured cost.
   */
  verify(password: string, hash: string | undefined): Promise<boolean>
  /** Whether a stored hash was made at another cost than the configured one. */
  needsRehash(hash: string): boolean
}

/** Runs one bcrypt operation when admitted; may refuse it. */
export type Admission = <T>(operation: 'hash' | 'verify', work: () => Promise<T>) => Promise<T>

// The salt and digest of a real bcrypt hash. compare() does all the work the
// cost in front of them asks for whatever they are, so a stand-in of any cost
// needs no hashing at start.
const STAND_IN_SALT_AND_DIGEST = 'irOpIed5scB/.EUHHeYQduWtzlA/fhe39rMJW/SKnf5rfPp6/WOAe'

export function standInHash(cost: number): string {
  return `$2b$${String(cost).padStart(2, '0')}$${STAND_IN_SALT_AND_DIGEST}`
}

const runAtOnce: Admission = (_operation, work) => work()

export function createPasswordHasher(cost: number, admit: Admission = runAtOnce): PasswordHasher {
  const standIn = standInHash(cost)
  return {
    cost,
    hash: (password) => admit('hash', () => bcrypt.hash(password, cost)),
    verify: (password, hash) => admit('verify', () => verifyAtLeastAtCost(password, hash)),
    needsRehash: (hash) => roundsOf(hash) !== cost,
  }

  async function verifyAtLeastAtCost(password: string, hash: string | undefined) {
    if (hash === undefined) {
      await bcrypt.compare(password, standIn)
      return false
    }
    // A hash made at a lower cost before BCRYPT_COST was raised would be
    // quicker to reject than an unknown name: pay the configured cost too.
    if (roundsOf(hash) < cost) {
      const [matches] = await Promise.all([
        bcrypt.compare(password, hash),
        bcrypt.compare(password, standIn),
      ])
      return matches
    }
    return bcrypt.compare(password, hash)
  }
}

// getRounds throws on a malformed hash; such a hash verifies nothing anyway.
function roundsOf(hash: string): number {
  try {
    return bcrypt.getRounds(hash)
  } catch {
    return Number.NaN
  }
}
