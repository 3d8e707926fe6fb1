import { Writable } from 'node:stream'
import pino from 'pino'
import t from 'tap'
import { LazyRequestLogger, lazyChildLoggerFactory } from '../src/request-logger.js'

function capturedLogger(level: string) {
  const lines: Array<Record<string, unknown>> = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)))
      done()
    },
  })
  const parent = pino({ level }, stream)
  let children = 0
  // Counted on the instance but called on `this`: pino's children inherit from their parent.
  const child = parent.child
  parent.child = function (this: typeof parent, ...args: Parameters<typeof child>) {
    children++
    return child.apply(this, args)
  } as typeof child
  return { parent, lines, childrenMade: () => children }
}

t.test('writes the lines of a child with the bindings, at the levels enabled', async (t) => {
  const { parent, lines } = capturedLogger('info')
  const log = new LazyRequestLogger(parent, { reqId: 'r-1' })
  log.debug('not written')
  log.info({ statusCode: 201 }, 'request completed')
  log.warn('a %s message', 'formatted')
  log.error(new Error('broken'), 'failed')
  await new Promise((resolve) => setImmediate(resolve))
  t.match(lines, [
    { level: 30, reqId: 'r-1', statusCode: 201, msg: 'request completed' },
    { level: 40, reqId: 'r-1', msg: 'a formatted message' },
    { level: 50, reqId: 'r-1', msg: 'failed', err: { message: 'broken' } },
  ])
  t.equal(lines.length, 3)
})

t.test('makes the child only when a line is written', async (t) => {
  const { parent, childrenMade } = capturedLogger('info')
  const log = new LazyRequestLogger(parent, { reqId: 'r-2' })
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
  const log = new LazyRequestLogger(parent, { reqId: 'r-3' })
  log.level = 'debug'
  t.equal(log.level, 'debug')
  t.equal(parent.level, 'info')
  log.debug('now written')
  await new Promise((resolve) => setImmediate(resolve))
  t.match(lines, [{ level: 20, reqId: 'r-3', msg: 'now written' }])
})

t.test('its children carry both bindings', async (t) => {
  const { parent, lines } = capturedLogger('info')
  new LazyRequestLogger(parent, { reqId: 'r-4' }).child({ component: 'knex' }).info('query')
  await new Promise((resolve) => setImmediate(resolve))
  t.match(lines, [{ reqId: 'r-4', component: 'knex', msg: 'query' }])
})

t.test('a route with a level of its own gets pino child at once', async (t) => {
  const { parent, childrenMade } = capturedLogger('info')
  const routeLogger = lazyChildLoggerFactory.call(
    undefined as never,
    parent,
    { reqId: 'r-5' },
    { level: 'debug' },
    undefined as never,
  )
  t.notOk(routeLogger instanceof LazyRequestLogger)
  t.equal(routeLogger.level, 'debug')
  t.equal(childrenMade(), 1)
})
