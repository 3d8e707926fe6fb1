import fp from 'fastify-plugin'

/**
 * While the app closes, answers in flight still complete, but each carries
 * `Connection: close`: otherwise a caller's idle keep-alive connection would
 * hold the server open until the shutdown deadline kills it.
 */
export default fp(
  async (fastify) => {
    let closing = false
    fastify.addHook('preClose', async () => {
      closing = true
    })
    fastify.addHook('onSend', async (_request, reply) => {
      if (closing) reply.header('connection', 'close')
    })
  },
  { name: 'shutdown' },
)
