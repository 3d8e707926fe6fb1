import {
  DatabaseError,
  insertUser,
  isUniqueViolation,
  isUsernameTaken,
  type Knex,
  type UserProfile,
} from '@auth-service/db'
import { type RegisterUserBody, UsernameTaken } from '@auth-service/shared'
import { v7 as uuidv7 } from 'uuid'
import type { PasswordHasher } from '../hashing/password-hasher.js'
import type { PasswordPolicy } from './password-policy.js'
import type { RegistrationRollback } from './registration-rollback.js'
import { parseUsername } from './username.js'

export interface RegistrationDeps {
  db: Knex
  passwordHasher: PasswordHasher
  passwordPolicy: PasswordPolicy
  registrationRollback: RegistrationRollback
}

/**
 * Validate, canonicalize, look up, hash, insert: cheap checks first, so bad
 * input and taken names never pay for a hash.
 */
export async function registerUser(
  { db, passwordHasher, passwordPolicy, registrationRollback }: RegistrationDeps,
  input: RegisterUserBody,
): Promise<UserProfile> {
  const username = parseUsername(input.username)
  passwordPolicy.check(input.password, username.canonical)
  // Only a shortcut for the common case: two requests racing for a name both
  // pass it, and the unique index on username_canonical decides between them.
  if (await isUsernameTaken(db, username.canonical)) throw new UsernameTaken()
  const user = {
    id: uuidv7(),
    username: username.display,
    usernameCanonical: username.canonical,
    passwordHash: await passwordHasher.hash(input.password),
    createdAt: new Date(),
  }
  try {
    await insertUser(db, user)
  } catch (error) {
    // The id is unique too; only a name that now exists makes this a 409.
    if (isUniqueViolation(error) && (await isUsernameTaken(db, username.canonical))) {
      throw new UsernameTaken()
    }
    // The COMMIT may have landed, but the caller hears 503: the row must go.
    if (error instanceof DatabaseError && error.outcomeUnknown) {
      registrationRollback.schedule(user.id, error.sessionId)
    }
    throw error
  }
  return { id: user.id, username: user.username, createdAt: user.createdAt }
}
