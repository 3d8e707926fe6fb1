import type { IncomingMessage } from 'node:http'

/** The whole body of a response from node:http or node:https, as text. */
export function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = ''
    res.setEncoding('utf8')
    res.on('data', (chunk) => {
      body += chunk
    })
    res.on('end', () => resolve(body))
    res.on('error', reject)
  })
}
