import type { Socket } from 'node:net'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { logRequestCompleted } from '../access-log.js'
import { answer, classifyError, errorBody } from './classify-error.js'

/**
 * Errors Fastify meets before a route is chosen (a malformed URL, an
 * over-long path parameter): same body, same request id as everything else.
 */
export function frameworkErrorHandler(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  reply.header('x-request-id', request.id)
  reply.raw.once('finish', () => logRequestCompleted(request, reply))
  const answered = classifyError(error)
  return reply.code(answered.statusCode).send(errorBody(answered))
}

/**
 * Requests Node's HTTP parser rejects (bad method, conflicting lengths, header
 * overflow, timeout) never reach Fastify: answer them on the raw socket, in
 * the one error format.
 */
export function clientErrorHandler(
  this: FastifyInstance,
  error: Error & { code?: string },
  socket: Socket,
) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const answered =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? answer('REQUEST_TIMEOUT', 'The request did not arrive in time')
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? answer('HEADERS_TOO_LARGE', 'The request headers are too large')
        : answer('BAD_REQUEST', 'The request is not valid HTTP')
  this.log.debug({ errorCode: error.code }, 'malformed HTTP request')
  if (socket.writable) {
    const body = JSON.stringify(errorBody(answered))
    socket.write(
      `HTTP/1.1 ${answered.statusCode} ${errorBody(answered).error}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    )
  }
  socket.destroy()
}
