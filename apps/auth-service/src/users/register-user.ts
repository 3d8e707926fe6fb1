import {
  DatabaseError,
  insertUser,
  isUniqueViolation,
  isUsernameTaken,
  type Knex,
  type UserProfile,
} from '@auth-service/db'
import { type RegisterUserBody, UsernameTaken } from '@auth-service/shared'
import type { FastifyError } from 'fastify'
import { v7 as uuidv7 } from 'uuid'
import type { PasswordHasher } from '../hashing/password-hasher.js'
import type { PasswordPolicy } from './password-policy.js'
import type { RegistrationRollback } from './registration-rollback.js'
import { checkUsername, type Username } from './username.js'

export interface RegistrationDeps {
  db: Knex
  passwordHasher: PasswordHasher
  passwordPolicy: PasswordPolicy
  registrationRollback: RegistrationRollback
}

/**
 * The rules a registration must pass before any I/O: the username to
 * register, or the refusal naming the broken rule. Returned, not thrown: a
 * throw and the rejections after it were a measurable part of a 400's CPU
 * (docs/performance.md).
 */
export function checkRegistration(
  passwordPolicy: PasswordPolicy,
  input: RegisterUserBody,
): Username | FastifyError {
  const username = checkUsername(input.username)
  if (username instanceof Error) return username
  return passwordPolicy.refusal(input.password, username.canonical) ?? username
}

/**
 * Validate, canonicalize, look up, hash, insert: cheap checks first, so bad
 * input and taken names never pay for a hash. A refusal (the rules, a taken
 * name) is returned, not thrown; faults are thrown.
 */
export async function registerUser(
  deps: RegistrationDeps,
  input: RegisterUserBody,
): Promise<UserProfile | FastifyError> {
  const username = checkRegistration(deps.passwordPolicy, input)
  if (username instanceof Error) return username
  return createUser(deps, username, input.password)
}

/** registerUser for a username that passed checkRegistration. */
export async function createUser(
  { db, passwordHasher, registrationRollback }: RegistrationDeps,
  username: Username,
  password: string,
): Promise<UserProfile | FastifyError> {
  // Only a shortcut for the common case: two requests racing for a name both
  // pass it, and the unique index on username_canonical decides between them.
  if (await isUsernameTaken(db, username.canonical)) return new UsernameTaken()
  const user = {
    id: uuidv7(),
    username: username.display,
    usernameCanonical: username.canonical,
    passwordHash: await passwordHasher.hash(password),
    createdAt: new Date(),
  }
  try {
    await insertUser(db, user)
  } catch (error) {
    // The id is unique too; only a name that now exists makes this a 409.
    if (isUniqueViolation(error) && (await isUsernameTaken(db, username.canonical))) {
      return new UsernameTaken()
    }
    // The COMMIT may have landed, but the caller hears 503: the row must go.
    if (error instanceof DatabaseError && error.outcomeUnknown) {
      registrationRollback.schedule(user.id, error.sessionId)
    }
    throw error
  }
  return { id: user.id, username: user.username, createdAt: user.createdAt }
}
