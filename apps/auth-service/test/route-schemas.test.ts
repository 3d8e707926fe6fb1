import { Ajv } from 'ajv'
import t from 'tap'
import { appWithDeclaredRoutes } from './helpers/declared-routes.js'

const REQUEST_PARTS = ['body', 'querystring', 'query', 'params', 'headers']

// The app's Ajv does not check schemas against the meta-schema at start
// (src/app.ts); this does, for every route the app declares.
t.test("every route's schemas are valid JSON Schema (draft-07)", async (t) => {
  const { routes } = await appWithDeclaredRoutes(t)
  const ajv = new Ajv({ strict: false })
  let checked = 0
  for (const route of routes) {
    const { response, ...schemas } = (route.schema ?? {}) as Record<string, unknown>
    // What Fastify compiles; the rest (tags, summary, security) is for the OpenAPI document.
    const parts = Object.entries(schemas).filter(([part]) => REQUEST_PARTS.includes(part))
    for (const [status, schema] of Object.entries((response ?? {}) as Record<string, unknown>)) {
      parts.push([`response ${status}`, schema])
    }
    for (const [part, schema] of parts) {
      if (typeof schema !== 'object' || schema === null) continue
      const valid = ajv.validateSchema(schema as object)
      t.ok(valid, `${route.method} ${route.url} ${part}: ${ajv.errorsText(ajv.errors)}`)
      checked += 1
    }
  }
  t.ok(checked >= 20, `${checked} schemas checked`)
})

t.test('a schema that breaks the meta-schema is caught', async (t) => {
  const ajv = new Ajv({ strict: false })
  t.notOk(ajv.validateSchema({ type: 'object', properties: { name: { minLength: -1 } } }))
})
