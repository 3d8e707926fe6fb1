// The one list used, not the package's index: that one also decompresses the
// diceware list and the keyboard graphs, which only cost start-up time and memory here.
import commonPasswords from '@zxcvbn-ts/language-common/dist/passwords.json.mjs'
import fp from 'fastify-plugin'
import { createPasswordPolicy, type PasswordPolicy } from '../users/password-policy.js'

declare module 'fastify' {
  interface FastifyInstance {
    passwordPolicy: PasswordPolicy
  }
}

export default fp<{ minLength: number }>(
  async (fastify, { minLength }) => {
    // About 50,000 leaked passwords that ship with the package: no network
    // needed. In lower case already, as the policy needs them: the package's
    // compression uses capitals as markers, so no word has one (a test checks).
    fastify.decorate('passwordPolicy', createPasswordPolicy(minLength, new Set(commonPasswords)))
  },
  { name: 'password-policy' },
)
