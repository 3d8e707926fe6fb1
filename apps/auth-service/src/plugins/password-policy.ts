import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import fp from 'fastify-plugin'
import { createPasswordPolicy, type PasswordPolicy } from '../users/password-policy.js'

declare module 'fastify' {
  interface FastifyInstance {
    passwordPolicy: PasswordPolicy
  }
}

/**
 * About 49,000 leaked passwords that ship with @zxcvbn-ts/language-common:
 * no network needed. Its plain JSON, not its module: the module builds the
 * list by decompressing it in script, about 25 ms of every start, where
 * JSON.parse takes about 13. In lower case already, as the policy needs them
 * (a test checks).
 */
export function readCommonPasswords(): string[] {
  const file = createRequire(import.meta.url).resolve(
    '@zxcvbn-ts/language-common/src/passwords.json',
  )
  return JSON.parse(readFileSync(file, 'utf8')) as string[]
}

/**
 * The common passwords the policy could ever match: a password shorter than
 * `minLength` is refused for its length before the list is looked at. By
 * UTF-16 length, which is never below the length in characters the policy
 * counts: a word kept that is too short in characters is only never matched.
 */
export function matchableCommonPasswords(minLength: number): Set<string> {
  return new Set(readCommonPasswords().filter((word) => word.length >= minLength))
}

export default fp<{ minLength: number }>(
  async (fastify, { minLength }) => {
    fastify.decorate(
      'passwordPolicy',
      createPasswordPolicy(minLength, matchableCommonPasswords(minLength)),
    )
  },
  { name: 'password-policy' },
)
