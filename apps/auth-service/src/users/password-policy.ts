import { PasswordPolicyViolation } from '@auth-service/shared'
import type { FastifyError } from 'fastify'
import { fixedRefusal } from '../errors/fixed-refusal.js'
import { canonicalUsername } from './username.js'

// bcrypt reads at most 72 bytes and silently ignores the rest, so a longer
// password would be weaker than it looks; refusing it is honest.
export const MAX_PASSWORD_BYTES = 72

const NOT_WELL_FORMED = /[\p{Surrogate}\uFFFD]/u
// One byte and one character per UTF-16 unit, no NUL, nothing ill-formed:
// most passwords are printable ASCII, and need none of the general checks.
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/

const refusals = {
  isUsername: fixedRefusal(PasswordPolicyViolation, 'must not be the username'),
  common: fixedRefusal(PasswordPolicyViolation, 'is one of the most common passwords'),
  tooLong: fixedRefusal(
    PasswordPolicyViolation,
    `must be at most ${MAX_PASSWORD_BYTES} bytes in UTF-8`,
  ),
  nul: fixedRefusal(PasswordPolicyViolation, 'must not contain the NUL character (U+0000)'),
  notWellFormed: fixedRefusal(PasswordPolicyViolation, 'must be valid Unicode text in UTF-8'),
}

export interface PasswordPolicy {
  /**
   * PasswordPolicyViolation naming the first rule the password breaks, or
   * undefined. Returned, as checkUsername returns its refusal. `username` is
   * the canonical form; the password is compared in that form too.
   */
  refusal(password: string, username: string): FastifyError | undefined
}

/**
 * The policy for one service instance. `commonPasswords` must be lower case;
 * the password is compared ignoring case, as guessing tools do.
 */
export function createPasswordPolicy(
  minLength: number,
  commonPasswords: ReadonlySet<string>,
): PasswordPolicy {
  const tooShort = fixedRefusal(
    PasswordPolicyViolation,
    `must be at least ${minLength} characters long`,
  )
  return {
    refusal(password, username) {
      if (characterCount(password) < minLength) return tooShort()
      const unhashable = hashableRefusal(password)
      if (unhashable) return unhashable
      if (canonicalUsername(password) === username) {
        return refusals.isUsername()
      }
      if (commonPasswords.has(password.toLowerCase())) {
        return refusals.common()
      }
      return undefined
    },
  }
}

/**
 * The rules that make bcrypt see exactly the password that was sent. Login
 * applies these alone: the others judge new passwords, and a user who
 * registered under an older policy must still be able to log in.
 */
export function hashableRefusal(password: string): FastifyError | undefined {
  if (PRINTABLE_ASCII.test(password)) {
    return password.length > MAX_PASSWORD_BYTES ? refusals.tooLong() : undefined
  }
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    return refusals.tooLong()
  }
  // bcrypt's C core stops at the first NUL byte: what follows would not count.
  if (password.includes('\u0000')) {
    return refusals.nul()
  }
  // A lone surrogate, or bytes that were not UTF-8 (decoded as U+FFFD),
  // would hash as U+FFFD: different passwords would share one hash.
  if (NOT_WELL_FORMED.test(password)) {
    return refusals.notWellFormed()
  }
  return undefined
}

function characterCount(text: string): number {
  return PRINTABLE_ASCII.test(text) ? text.length : [...text].length
}

/** hashableRefusal, throwing the refusal. */
export function assertHashable(password: string): void {
  const refusal = hashableRefusal(password)
  if (refusal) throw refusal
}
