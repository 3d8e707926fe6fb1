import Fastify from 'fastify'

// The reference for "what Fastify itself costs": one route, constant JSON,
// no logging, no plugins, in a process of its own like the service.
const app = Fastify({ logger: false })
app.get('/hello', async () => ({ hello: 'world' }))
await app.listen({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 0) })
process.on('SIGTERM', () => {
  app.close().then(() => process.exit(0))
})
