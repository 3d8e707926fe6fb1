import { errorCodes } from '@auth-service/shared'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { appWithDeclaredRoutes } from '../helpers/declared-routes.js'

interface OpenApiOperation {
  responses: Record<string, { content?: { 'application/json'?: { schema?: ErrorSchema } } }>
  security?: unknown
}
interface CodeSchema {
  enum?: string[]
  const?: string
  anyOf?: CodeSchema[]
}
interface ErrorSchema {
  properties?: { code?: CodeSchema }
}

/** The codes an error schema allows, whether written as enum, const or anyOf. */
function codesOf(schema: ErrorSchema | undefined): string[] {
  const collect = (code: CodeSchema | undefined): string[] =>
    code === undefined
      ? []
      : [
          ...(code.enum ?? []),
          ...(code.const ? [code.const] : []),
          ...(code.anyOf ?? []).flatMap(collect),
        ]
  return collect(schema?.properties?.code).sort()
}

/** Fastify's `/users/:id` is OpenAPI's `/users/{id}`. */
function openApiPath(url: string): string {
  return url.replace(/:(\w+)/g, '{$1}')
}

t.test('every route is in the OpenAPI document, with each error it can answer', async (t) => {
  const { app, routes } = await appWithDeclaredRoutes(t)
  const document = (await app.inject({ url: '/openapi.json' })).json()
  t.equal(document.openapi, '3.0.3')

  const documented = routes.filter(
    (route) => route.method !== 'HEAD' && !(route.schema as { hide?: boolean })?.hide,
  )
  t.ok(documented.length >= 8, 'the service routes are all there')
  for (const route of documented) {
    const method = String(route.method).toLowerCase()
    const operation: OpenApiOperation | undefined = document.paths[openApiPath(route.url)]?.[method]
    t.ok(operation, `${route.method} ${route.url} is documented`)
    const responseSchemas = (route.schema?.response ?? {}) as Record<string, ErrorSchema>
    for (const [status, schema] of Object.entries(responseSchemas)) {
      t.ok(operation?.responses[status], `${route.method} ${route.url} documents ${status}`)
      const codes = codesOf(schema)
      const documentedCodes = codesOf(
        operation?.responses[status]?.content?.['application/json']?.schema,
      )
      if (Number(status) >= 400) t.ok(codes.length > 0, `${route.url} ${status} has codes`)
      for (const code of codes) {
        t.equal(String(errorCodes[code as keyof typeof errorCodes].statusCode), status)
        t.ok(documentedCodes.includes(code), `${route.method} ${route.url} ${status} ${code}`)
      }
    }
    t.ok(operation?.responses['500'], `${route.method} ${route.url} documents 500`)
  }
  // What each route can answer, as the issues describe it, against the document.
  const promised: Array<[string, string, string, string[]]> = [
    [
      'post',
      '/users',
      '400',
      ['VALIDATION_FAILED', 'INVALID_JSON', 'INVALID_USERNAME', 'PASSWORD_POLICY'],
    ],
    ['post', '/users', '409', ['USERNAME_TAKEN', 'REQUEST_IN_PROGRESS']],
    ['post', '/users', '422', ['IDEMPOTENCY_KEY_REUSED']],
    ['post', '/users', '413', ['PAYLOAD_TOO_LARGE']],
    ['post', '/users', '415', ['UNSUPPORTED_MEDIA_TYPE']],
    ['post', '/users', '429', ['RATE_LIMITED']],
    ['post', '/users', '503', ['DATABASE_UNAVAILABLE', 'OVERLOADED']],
    ['post', '/tokens', '401', ['INVALID_CREDENTIALS']],
    ['post', '/tokens', '429', ['RATE_LIMITED']],
    ['post', '/tokens', '503', ['DATABASE_UNAVAILABLE', 'OVERLOADED']],
    ['get', '/users/{id}', '404', ['USER_NOT_FOUND']],
    ['get', '/users/me', '401', ['INVALID_TOKEN']],
    ['get', '/readyz', '503', ['DATABASE_UNAVAILABLE', 'SHUTTING_DOWN']],
    ['get', '/metrics', '403', ['CLIENT_CERTIFICATE_REQUIRED']],
    ['get', '/.well-known/jwks.json', '403', ['CLIENT_CERTIFICATE_REQUIRED']],
  ]
  for (const [method, path, status, codes] of promised) {
    const schema = document.paths[path]?.[method]?.responses[status]?.content?.['application/json']
      ?.schema as ErrorSchema | undefined
    t.same(codesOf(schema), codes.slice().sort(), `${method} ${path} ${status}`)
  }
  t.same(document.paths['/users/me'].get.security, [{ bearerAuth: [] }], 'the bearer scheme')
  const docsPage = await app.inject({ url: '/docs' })
  t.match(docsPage.statusCode, /^(200|302)$/, 'the rendered docs page')
})

t.test('without the docs page the document is still served, and /docs is not', async (t) => {
  const app = buildApp(
    loadConfig({ DATABASE_URL: 'sqlite::memory:', LOG_LEVEL: 'silent', DOCS_UI_ENABLED: 'false' }),
  )
  t.teardown(() => app.close())
  t.equal((await app.inject({ url: '/openapi.json' })).statusCode, 200)
  const docsPage = await app.inject({ url: '/docs' })
  t.equal(docsPage.statusCode, 404)
  t.equal(docsPage.json().code, 'NOT_FOUND')
})
