import swagger from '@fastify/swagger'
import fp from 'fastify-plugin'

export const OPENAPI_PATH = '/openapi.json'
export const DOCS_PATH = '/docs'

/**
 * The OpenAPI 3 document, generated from the route schemas of packages/shared
 * (the same ones that validate and serialize), at /openapi.json, and, when
 * `docsUi` is on, a page that renders it at /docs.
 */
export default fp<{ version: string; docsUi: boolean }>(
  async (fastify, { version, docsUi }) => {
    await fastify.register(swagger, {
      openapi: {
        openapi: '3.0.3',
        info: {
          title: 'auth-service',
          version,
          description:
            'Registers users, looks them up, checks passwords and issues access tokens (EdDSA JWTs) that other services verify with the published keys. Every error answers {statusCode, error, code, message}.',
        },
        tags: [
          { name: 'users', description: 'Registration and lookup' },
          {
            name: 'tokens',
            description:
              'Login, refresh, revocation, introspection, and the keys that verify tokens',
          },
          { name: 'sessions', description: 'The sessions of a user, and ending them' },
          { name: 'operations', description: 'Probes and metrics' },
        ],
        components: {
          securitySchemes: {
            bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          },
        },
      },
    })
    // Loaded only when served: its code slows the start (docs/performance.md).
    if (docsUi) {
      const { default: swaggerUi } = await import('@fastify/swagger-ui')
      await fastify.register(swaggerUi, { routePrefix: DOCS_PATH })
    }
    fastify.get(OPENAPI_PATH, { schema: { hide: true } }, async () => fastify.swagger())
  },
  { name: 'openapi' },
)
