import { UnsupportedMediaType } from '@auth-service/shared'
import fp from 'fastify-plugin'

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)/i

/**
 * Bodies are JSON in UTF-8 and nothing else. Fastify would otherwise accept
 * text/plain as a string, and decode any declared charset as UTF-8, turning
 * a caller's Latin-1 password into something other than what they typed.
 */
export default fp(
  async (fastify) => {
    const parseJson = fastify.getDefaultJsonParser('error', 'error')
    fastify.removeAllContentTypeParsers()
    fastify.addContentTypeParser(
      'application/json',
      { parseAs: 'string' },
      (request, body, done) => {
        const type = request.headers['content-type']
        // The type as nearly every caller sends it needs no parsing.
        const charset =
          type === 'application/json' ? undefined : CHARSET.exec(type ?? '')?.[1]?.toLowerCase()
        if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
          done(new UnsupportedMediaType('application/json in UTF-8'), undefined)
          return
        }
        parseJson(request, String(body), done)
      },
    )
  },
  { name: 'json-body' },
)
