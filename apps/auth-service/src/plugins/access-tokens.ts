import type { AccessTokenClaims } from '@auth-service/shared'
import type { FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { TokenSettings } from '../config.js'
import { type AccessTokens, createAccessTokens } from '../tokens/access-tokens.js'
import { claimsFromAuthorization } from '../tokens/bearer.js'
import { derivedSecret, loadTokenKeys } from '../tokens/token-keys.js'

declare module 'fastify' {
  interface FastifyInstance {
    accessTokens: AccessTokens
    /** The verified claims of the request's bearer token; throws INVALID_TOKEN otherwise. */
    authenticate(request: FastifyRequest): Promise<AccessTokenClaims>
    /** A 32-byte secret for `purpose`, the same on every replica that shares the signing key. */
    deriveSecret(purpose: string): Buffer
  }
}

/** Signs access tokens, verifies bearer tokens, and holds the key set to publish. */
/** The token settings, and the clock tokens are issued and verified by. */
export type AccessTokensOptions = TokenSettings & { now: () => number }

export default fp<AccessTokensOptions>(
  async (fastify, settings) => {
    const keys = await loadTokenKeys(settings)
    if (keys.ephemeral) {
      fastify.log.warn(
        'TOKEN_SIGNING_KEY_FILE is not set: signing with a key made at start; its tokens will not verify on other replicas or after a restart',
      )
    }
    fastify.log.info(
      { signingKid: keys.signingKid, publishedKeys: keys.jwks.keys.length },
      'token keys loaded',
    )
    const accessTokens = createAccessTokens(keys, settings, settings.now)
    fastify.decorate('accessTokens', accessTokens)
    fastify.decorate('deriveSecret', (purpose: string) => derivedSecret(keys.signingKey, purpose))
    fastify.decorate('authenticate', (request: FastifyRequest) =>
      claimsFromAuthorization(accessTokens, request.headers.authorization, request.log),
    )
  },
  { name: 'access-tokens' },
)
