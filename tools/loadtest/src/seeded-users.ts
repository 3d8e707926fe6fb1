import { insertUsersInBulk, type Knex } from '@auth-service/db'

/** Every seeded user's password: the login scenarios send it. */
export const SEEDED_PASSWORD = 'a load test passphrase'

const FIRST_ID_MS = Date.UTC(2026, 0, 1)
const SEED_CHUNK = 10_000

export interface SeededUser {
  id: string
  username: string
}

/**
 * The n-th seeded user, computed rather than stored, so that picking one of a
 * million costs nothing. Ids are UUIDv7 in order, as the service makes them.
 */
export function seededUser(n: number): SeededUser {
  const timestamp = (FIRST_ID_MS + n).toString(16).padStart(12, '0')
  const serial = n.toString(16).padStart(12, '0')
  return {
    id: `${timestamp.slice(0, 8)}-${timestamp.slice(8)}-7000-8000-${serial}`,
    username: `loaduser${n}`,
  }
}

export function randomSeededUser(count: number): SeededUser {
  return seededUser(Math.floor(Math.random() * count))
}

/** Seeds users 0 to `count` - 1, all with one precomputed hash. */
export async function seedUsers(
  db: Knex,
  count: number,
  passwordHash: string,
  onProgress: (seeded: number) => void = () => {},
): Promise<void> {
  const createdAt = new Date()
  for (let start = 0; start < count; start += SEED_CHUNK) {
    const end = Math.min(start + SEED_CHUNK, count)
    const users = Array.from({ length: end - start }, (_, offset) => {
      const { id, username } = seededUser(start + offset)
      return { id, username, usernameCanonical: username, passwordHash, createdAt }
    })
    await insertUsersInBulk(db, users)
    onProgress(end)
  }
}
