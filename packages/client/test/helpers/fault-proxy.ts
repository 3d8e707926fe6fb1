import { once } from 'node:events'
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type ServerResponse,
} from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ErrorCode } from '@auth-service/shared'

export interface FaultProxyOptions {
  /** The service to forward to; without one, nothing is forwarded. */
  target?: string
  /** How many of the first requests get the fault answer instead of the service's. */
  failFirst?: number
  /** The fault answer: 503 OVERLOADED with Retry-After: 0 unless told otherwise. */
  fault?: { statusCode: number; code: ErrorCode; retryAfter?: string }
  /** Whether faulted requests still reach the service (its answer is then lost). */
  forwardFaulted?: boolean
  /**
   * How a faulted request fails: with the fault answer (the default), by its
   * connection being closed without an answer, or by never being answered.
   */
  faultBy?: 'answer' | 'drop' | 'hang'
  /** Never answer anything. */
  hang?: boolean
}

export interface FaultProxy {
  origin: string
  /** The headers of every request that arrived, in order. */
  received: IncomingHttpHeaders[]
  /** The bodies the service answered the forwarded requests with, in order. */
  serviceAnswers: string[]
  /** Resolves when the next request arrives. */
  nextRequest(): Promise<unknown>
  close(): Promise<void>
}

interface ForwardedAnswer {
  statusCode: number
  headers: IncomingHttpHeaders
  body: Buffer
}

async function readAll(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

async function forward(target: string, req: IncomingMessage): Promise<ForwardedAnswer> {
  const body = await readAll(req)
  return new Promise((resolve, reject) => {
    const outgoing = request(
      new URL(req.url ?? '/', target),
      { method: req.method, headers: req.headers, agent: false },
      (res) => {
        readAll(res).then(
          (answer) =>
            resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: answer }),
          reject,
        )
      },
    )
    outgoing.on('error', reject)
    outgoing.end(body)
  })
}

function answerFault(res: ServerResponse, fault: Required<FaultProxyOptions>['fault']) {
  const body = { statusCode: fault.statusCode, error: 'Fault', code: fault.code, message: 'fault' }
  res.writeHead(fault.statusCode, {
    'content-type': 'application/json',
    'retry-after': fault.retryAfter ?? '0',
  })
  res.end(JSON.stringify(body))
}

function failRequest(res: ServerResponse, options: FaultProxyOptions) {
  const fault = options.fault ?? { statusCode: 503, code: 'OVERLOADED' }
  if (options.faultBy === 'drop') res.socket?.destroy()
  else if (options.faultBy !== 'hang') answerFault(res, fault)
}

/** A tiny HTTP proxy that fails, or never answers, the requests a test asks it to. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const received: IncomingHttpHeaders[] = []
  const serviceAnswers: string[] = []
  const server = createServer(async (req, res) => {
    received.push(req.headers)
    if (options.hang) return
    const faulted = received.length <= (options.failFirst ?? 0)
    const answer =
      options.target && (!faulted || options.forwardFaulted)
        ? await forward(options.target, req)
        : undefined
    if (answer) serviceAnswers.push(answer.body.toString())
    if (faulted || !answer) return failRequest(res, options)
    const { connection: _, 'keep-alive': __, 'transfer-encoding': ___, ...headers } = answer.headers
    res.writeHead(answer.statusCode, headers)
    res.end(answer.body)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    serviceAnswers,
    nextRequest: () => once(server, 'request'),
    close: async () => {
      server.closeAllConnections()
      server.close()
      await once(server, 'close')
    },
  }
}
