import fp from 'fastify-plugin'
import { answerError } from '../errors/answer-error.js'

/** Every error a route throws or sends is answered in the one error format. */
export default fp(
  async (fastify) => {
    fastify.setErrorHandler(answerError)
  },
  { name: 'error-handler' },
)
