import { connect } from 'node:net'
import t from 'tap'
import { startTestApp } from '../helpers/test-app.js'

/** Sends raw bytes and resolves with everything the server wrote back. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(request))
    let received = ''
    socket.on('data', (chunk) => {
      received += chunk
    })
    socket.on('error', reject)
    socket.on('close', () => resolve(received))
  })
}

function jsonBodyOf(response: string) {
  return JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4))
}

t.test('HTTP that does not parse is answered in the error format', async (t) => {
  const { app } = await startTestApp(t, 'sqlite::memory:')
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }

  const badMethod = await rawExchange(port, 'BREW /users HTTP/1.1\r\nHost: x\r\n\r\n')
  t.match(badMethod, /^HTTP\/1\.1 400 Bad Request\r\n/)
  t.match(jsonBodyOf(badMethod), { statusCode: 400, error: 'Bad Request', code: 'BAD_REQUEST' })

  const bothLengths = await rawExchange(
    port,
    'POST /users HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}',
  )
  t.match(jsonBodyOf(bothLengths), { statusCode: 400, code: 'BAD_REQUEST' })

  const hugeHeader = await rawExchange(
    port,
    `GET /livez HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
  )
  t.match(hugeHeader, /^HTTP\/1\.1 431 /)
  t.match(jsonBodyOf(hugeHeader), {
    statusCode: 431,
    error: 'Request Header Fields Too Large',
    code: 'HEADERS_TOO_LARGE',
  })
})
