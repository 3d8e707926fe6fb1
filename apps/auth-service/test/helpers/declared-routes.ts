import type { RouteOptions } from 'fastify'
import type { Test } from 'tap'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'

/** The app on an in-memory SQLite, ready, with every route it declared; closed after the test. */
export async function appWithDeclaredRoutes(t: Test) {
  const app = buildApp(loadConfig({ DATABASE_URL: 'sqlite::memory:', LOG_LEVEL: 'silent' }))
  const routes: RouteOptions[] = []
  app.addHook('onRoute', (route) => {
    routes.push(route)
  })
  await app.ready()
  t.teardown(() => app.close())
  return { app, routes }
}
