import bcrypt from 'bcrypt'
import fp from 'fastify-plugin'

export interface PasswordHasher {
  /** The bcrypt work factor new hashes are made with. */
  readonly cost: number
  /** Hashes on libuv's thread pool, off the event loop. */
  hash(password: string): Promise<string>
}

declare module 'fastify' {
  interface FastifyInstance {
    passwordHasher: PasswordHasher
  }
}

export default fp<{ cost: number }>(
  async (fastify, { cost }) => {
    const passwordHasher: PasswordHasher = {
      cost,
      hash: (password) => bcrypt.hash(password, cost),
    }
    fastify.decorate('passwordHasher', passwordHasher)
  },
  { name: 'password-hasher' },
)
