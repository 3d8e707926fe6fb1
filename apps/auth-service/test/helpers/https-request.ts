import { readFileSync } from 'node:fs'
import { request } from 'node:https'
import type { Certificates } from '@auth-service/test-helpers'
import { readBody } from './read-body.js'
import type { DialectContext } from './test-app.js'

export interface HttpsAnswer {
  status: number
  /** The JSON body's `code`, when there is one. */
  code?: string
  /** The parsed JSON body, when there is one. */
  json?: unknown
}

export interface HttpsRequestOptions {
  ca: string
  cert?: string
  key?: string
  method?: string
  body?: unknown
  headers?: Record<string, string>
}

/** One HTTPS request with these certificate files; resolves with the status and the JSON body. */
export function httpsRequest(url: string, options: HttpsRequestOptions): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        ca: readFileSync(options.ca),
        ...(options.cert ? { cert: readFileSync(options.cert) } : {}),
        ...(options.key ? { key: readFileSync(options.key) } : {}),
        headers: { 'content-type': 'application/json', ...options.headers },
      },
      (res) => {
        readBody(res).then((body) => {
          const isJson = res.headers['content-type']?.startsWith('application/json')
          const json: { code?: string } | undefined = isJson ? JSON.parse(body) : undefined
          resolve({ status: res.statusCode ?? 0, code: json?.code, json })
        }, reject)
      },
    )
    req.on('error', reject)
    req.end(options.body === undefined ? undefined : JSON.stringify(options.body))
  })
}

/** An app of this dialect serving HTTPS with the test certificates; resolves with its origin. */
export async function startHttps(
  startApp: DialectContext['startApp'],
  certificates: Certificates,
  env: Record<string, string> = {},
): Promise<string> {
  const { app } = await startApp({
    TLS_CERT_FILE: certificates.serverCert,
    TLS_KEY_FILE: certificates.serverKey,
    ...env,
  })
  return app.listen({ port: 0, host: '127.0.0.1' })
}
