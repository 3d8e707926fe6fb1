import fp from 'fastify-plugin'
import { answerError } from '../errors/answer-error.js'

/**
 * Every error a route throws or sends is answered in the one error format.
 * `POST /users` also calls answerError itself for the refusals its rules
 * return: an `onError` hook added here would not see those.
 */
export default fp(
  async (fastify) => {
    fastify.setErrorHandler(answerError)
  },
  { name: 'error-handler' },
)
