import { Writable } from 'node:stream'
import { setImmediate as nextTurn } from 'node:timers/promises'
import Fastify from 'fastify'
import pino, { type Logger } from 'pino'
import t, { type Test } from 'tap'
import { LazyLogger } from '../src/lazy-logger.js'
import { registerUser } from './helpers/requests.js'
import { forEachDialect } from './helpers/test-app.js'

/** Counts the children made of `logger` from now on; returns the count so far. */
function countChildren(logger: Pick<Logger, 'child'>): () => number {
  let children = 0
  // Counted on the instance but called on `this`: pino's children inherit from their parent.
  const child = logger.child
  logger.child = function (this: typeof logger, ...args: Parameters<typeof child>) {
    children++
    return child.apply(this, args)
  } as typeof child
  return () => children
}

/**
 * The prototype every pino logger takes `child` from, for counting the
 * children the app makes however deep its pino logger is; restored after the test.
 */
function pinoPrototype(t: Test): Pick<Logger, 'child'> {
  let owner: object = pino({ enabled: false })
  while (!Object.hasOwn(owner, 'child')) owner = Object.getPrototypeOf(owner) as object
  const prototype = owner as Pick<Logger, 'child'>
  const child = prototype.child
  t.teardown(() => {
    prototype.child = child
  })
  return prototype
}

function capturedLogger(level: string) {
  const lines: Array<Record<string, unknown>> = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)))
      done()
    },
  })
  const parent = pino({ level }, stream)
  return { parent, lines, childrenMade: countChildren(parent) }
}

t.test('writes what a pino child with the bindings writes, at the levels enabled', async (t) => {
  const lazy = capturedLogger('info')
  const eager = capturedLogger('info')
  const write = (log: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>) => {
    log.debug('not written')
    log.info({ statusCode: 201 }, 'request completed')
    log.warn('a %s message', 'formatted')
    log.error(new Error('broken'), 'failed')
  }
  write(new LazyLogger(lazy.parent, { reqId: 'r-1' }))
  write(eager.parent.child({ reqId: 'r-1' }))
  await nextTurn()
  const withoutTime = (lines: Array<Record<string, unknown>>) =>
    lines.map(({ time: _time, err, ...line }) => ({
      ...line,
      err: err && { ...(err as object), stack: undefined },
    }))
  t.same(withoutTime(lazy.lines), withoutTime(eager.lines))
  t.match(lazy.lines, [
    { level: 30, reqId: 'r-1', statusCode: 201, msg: 'request completed' },
    { level: 40, reqId: 'r-1', msg: 'a formatted message' },
    { level: 50, reqId: 'r-1', msg: 'failed', err: { message: 'broken' } },
  ])
})

t.test('makes the child only when a line is written', async (t) => {
  const { parent, childrenMade } = capturedLogger('info')
  const log = new LazyLogger(parent, { reqId: 'r-2' })
  t.equal(log.level, 'info')
  t.equal(log.isLevelEnabled('debug'), false)
  log.debug({ path: '/users' }, 'request completed')
  log.trace('nothing')
  t.equal(childrenMade(), 0, 'nothing written, no child')
  log.info('written')
  log.info('written again')
  t.equal(childrenMade(), 1, 'one child for the request')
})

t.test('a level set on it applies to it alone', async (t) => {
  const { parent, lines } = capturedLogger('info')
  const log = new LazyLogger(parent, { reqId: 'r-3' })
  log.level = 'debug'
  t.equal(log.level, 'debug')
  t.equal(parent.level, 'info')
  log.debug('now written')
  await nextTurn()
  t.match(lines, [{ level: 20, reqId: 'r-3', msg: 'now written' }])
})

t.test('its children carry both bindings', async (t) => {
  const { parent, lines } = capturedLogger('info')
  new LazyLogger(parent, { reqId: 'r-4' }).child({ component: 'knex' }).info('query')
  await nextTurn()
  t.match(lines, [{ reqId: 'r-4', component: 'knex', msg: 'query' }])
})

t.test('its children are lazy without options and made at once with any', async (t) => {
  const { parent, lines, childrenMade } = capturedLogger('info')
  const root = new LazyLogger(parent)
  const lazy = root.child({ reqId: 'r-5' }, {})
  t.equal(childrenMade(), 0, 'no options: lazy')
  const withLevel = root.child({ reqId: 'r-5' }, { level: 'debug' })
  t.equal(withLevel.level, 'debug')
  const withPrefix = root.child({ reqId: 'r-5' }, { msgPrefix: '[route] ' })
  t.equal(childrenMade(), 2)
  withPrefix.info('kept')
  lazy.info('lazy')
  await nextTurn()
  t.match(
    lines,
    [
      { reqId: 'r-5', msg: '[route] kept' },
      { reqId: 'r-5', msg: 'lazy' },
    ],
    'the option is not lost',
  )
})

t.test('the root writes through its parent, with no child of its own', async (t) => {
  const { parent, lines, childrenMade } = capturedLogger('info')
  const root = new LazyLogger(parent)
  root.info({ port: 3000 }, 'listening')
  root.level = 'warn'
  t.equal(parent.level, 'warn', "its level is the parent's")
  await nextTurn()
  t.equal(childrenMade(), 0)
  t.match(lines, [{ port: 3000, msg: 'listening' }])
})

t.test(
  "as Fastify's logger instance: route log levels checked and applied, serializers kept",
  async (t) => {
    const fastifyWith = (level: string) => {
      const { parent, lines } = capturedLogger(level)
      return { app: Fastify({ loggerInstance: new LazyLogger(parent) }), lines }
    }

    const mistyped = fastifyWith('info')
    // A level pino does not know, as a caller's configuration could bring.
    const typo = 'warning' as 'warn'
    t.throws(
      () => mistyped.app.get('/typo', { logLevel: typo }, async () => 'never'),
      { code: 'FST_ERR_ROUTE_LOG_LEVEL_INVALID' },
      'refused when the route is declared, not on its first request',
    )

    const { app, lines } = fastifyWith('info')
    app.get('/chatty', { logLevel: 'debug' }, async (request) => {
      request.log.debug('a route at debug')
      request.log.error(new Error('broken'), 'failed')
      return 'ok'
    })
    t.teardown(() => app.close())
    t.equal((await app.inject({ url: '/chatty' })).statusCode, 200)
    await nextTurn()
    const line = (msg: string) => lines.find((each) => each.msg === msg)
    t.match(line('incoming request'), { req: { method: 'GET', url: '/chatty' } }, 'req serializer')
    t.match(line('a route at debug'), { level: 20, reqId: String }, "the route's level")
    t.match(line('failed'), { level: 50, err: { type: 'Error', message: 'broken', stack: String } })
    t.match(line('request completed'), { res: { statusCode: 200 } }, 'res serializer')
  },
)

t.test('in the app, a request that writes no line makes no child logger', async (t) => {
  forEachDialect(t, async (t, { startApp }) => {
    const { app, logs } = await startApp({ LOG_LEVEL: 'info' })
    const children = countChildren(pinoPrototype(t))
    const password = 'a fine passphrase'
    t.equal((await registerUser(app, { username: 'x', password })).statusCode, 400)
    t.equal((await app.inject({ url: '/livez' })).statusCode, 200)
    t.equal(children(), 0, 'a refusal and a probe: their lines are at debug')
    const created = await registerUser(app, { username: 'logged', password })
    t.equal(created.statusCode, 201)
    t.equal(children(), 1, 'a registration: its line is at info')
    t.match(logs(), `"reqId":"${created.headers['x-request-id']}"`)
  })
})
