import { PasswordPolicyViolation } from '@auth-service/shared'
import type { FastifyError } from 'fastify'
import { canonicalUsername } from './username.js'

// bcrypt reads at most 72 bytes and silently ignores the rest, so a longer
// password would be weaker than it looks; refusing it is honest.
export const MAX_PASSWORD_BYTES = 72

const NOT_WELL_FORMED = /[\p{Surrogate}\uFFFD]/u

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
  return {
    refusal(password, username) {
      if ([...password].length < minLength) {
        return new PasswordPolicyViolation(`must be at least ${minLength} characters long`)
      }
      const unhashable = hashableRefusal(password)
      if (unhashable) return unhashable
      if (canonicalUsername(password) === username) {
        return new PasswordPolicyViolation('must not be the username')
      }
      if (commonPasswords.has(password.toLowerCase())) {
        return new PasswordPolicyViolation('is one of the most common passwords')
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
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    return new PasswordPolicyViolation(`must be at most ${MAX_PASSWORD_BYTES} bytes in UTF-8`)
  }
  // bcrypt's C core stops at the first NUL byte: what follows would not count.
  if (password.includes('\u0000')) {
    return new PasswordPolicyViolation('must not contain the NUL character (U+0000)')
  }
  // A lone surrogate, or bytes that were not UTF-8 (decoded as U+FFFD),
  // would hash as U+FFFD: different passwords would share one hash.
  if (NOT_WELL_FORMED.test(password)) {
    return new PasswordPolicyViolation('must be valid Unicode text in UTF-8')
  }
  return undefined
}

/** hashableRefusal, throwing the refusal. */
export function assertHashable(password: string): void {
  const refusal = hashableRefusal(password)
  if (refusal) throw refusal
}
