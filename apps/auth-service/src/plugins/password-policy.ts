import { dictionary } from '@zxcvbn-ts/language-common'
import fp from 'fastify-plugin'
import { createPasswordPolicy, type PasswordPolicy } from '../users/password-policy.js'

declare module 'fastify' {
  interface FastifyInstance {
    passwordPolicy: PasswordPolicy
  }
}

export default fp<{ minLength: number }>(
  async (fastify, { minLength }) => {
    // About 50,000 leaked passwords that ship with the package: no network needed.
    const common = new Set(dictionary['passwords-common'].map((word) => word.toLowerCase()))
    fastify.decorate('passwordPolicy', createPasswordPolicy(minLength, common))
  },
  { name: 'password-policy' },
)
