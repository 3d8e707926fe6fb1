import {
  findUserByCanonicalName,
  type Knex,
  replacePasswordHash,
  type UserRecord,
} from '@auth-service/db'
import { InvalidCredentials, type LoginBody } from '@auth-service/shared'
import type { FastifyBaseLogger } from 'fastify'
import type { PasswordHasher } from '../hashing/password-hasher.js'
import { assertHashable } from './password-policy.js'
import { parseUsername } from './username.js'

export interface AuthenticationDeps {
  db: Knex
  passwordHasher: PasswordHasher
  log: FastifyBaseLogger
}

/**
 * Checks a username and password; resolves with the user or throws
 * InvalidCredentials. An unknown name and a wrong password fail alike, after
 * the same bcrypt work, so neither the answer nor its timing says which.
 */
export async function authenticateUser(
  { db, passwordHasher, log }: AuthenticationDeps,
  input: LoginBody,
): Promise<UserRecord> {
  // Input no user could have is a 400 whoever asks: it says nothing about who exists.
  const username = parseUsername(input.username)
  assertHashable(input.password)
  const user = await findUserByCanonicalName(db, username.canonical)
  const matches = await passwordHasher.verify(input.password, user?.passwordHash)
  if (user === undefined || !matches) {
    // The name is not logged: people type their password into it by mistake.
    log.info({ userId: user?.id ?? null }, 'login failed')
    throw new InvalidCredentials()
  }
  if (passwordHasher.needsRehash(user.passwordHash)) {
    await upgradeHash({ db, passwordHasher, log }, user, input.password)
  }
  log.info({ userId: user.id }, 'login succeeded')
  return user
}

/**
 * Re-hashes at the configured cost, the one moment the password is known. A
 * failure here is logged and the login still succeeds: the next one retries.
 */
async function upgradeHash(
  { db, passwordHasher, log }: AuthenticationDeps,
  user: UserRecord,
  password: string,
): Promise<void> {
  try {
    const newHash = await passwordHasher.hash(password)
    const replaced = await replacePasswordHash(db, user.id, user.passwordHash, newHash)
    if (replaced) log.info({ userId: user.id, cost: passwordHasher.cost }, 'password rehashed')
  } catch (error) {
    log.warn({ userId: user.id, err: error }, 'password rehash failed')
  }
}
