import { errorCodes } from '@auth-service/shared'
import type { RouteOptions } from 'fastify'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'

interface OpenApiOperation {
  responses: Record<string, { content?: { 'application/json'?: { schema?: ErrorSchema } } }>
  security?: unknown
}
interface ErrorSchema {
  properties?: { code?: { enum?: string[] } }
}

/** Fastify's `/users/:id` is OpenAPI's `/users/{id}`. */
function openApiPath(url: string): string {
  return url.replace(/:(\w+)/g, '{$1}')
}

t.test('every route is in the OpenAPI document, with each error it can answer', async (t) => {
  const app = buildApp(loadConfig({ DATABASE_URL: 'sqlite::memory:', LOG_LEVEL: 'silent' }))
  const routes: RouteOptions[] = []
  app.addHook('onRoute', (route) => {
    routes.push(route)
  })
  await app.ready()
  t.teardown(() => app.close())
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
      const codes = schema.properties?.code?.enum ?? []
      const documentedCodes =
        operation?.responses[status]?.content?.['application/json']?.schema?.properties?.code
          ?.enum ?? []
      for (const code of codes) {
        t.equal(String(errorCodes[code as keyof typeof errorCodes].statusCode), status)
        t.ok(documentedCodes.includes(code), `${route.method} ${route.url} ${status} ${code}`)
      }
    }
    t.ok(operation?.responses['500'], `${route.method} ${route.url} documents 500`)
  }
  t.same(document.paths['/users/me'].get.security, [{ bearerAuth: [] }], 'the bearer scheme')
  const docsPage = await app.inject({ url: '/docs' })
  t.match(docsPage.statusCode, /^(200|302)$/, 'the rendered docs page')
})
