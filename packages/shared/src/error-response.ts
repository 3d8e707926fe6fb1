import { type Static, Type } from '@sinclair/typebox'
import { ERROR_CODES, type ErrorCode, errorCodes } from './error-codes.js'

export const ErrorResponse = Type.Object(
  {
    statusCode: Type.Integer({ minimum: 400, maximum: 599 }),
    error: Type.String({ description: 'The HTTP status text, e.g. "Conflict".' }),
    code: Type.Union(
      ERROR_CODES.map((code) => Type.Literal(code)),
      { description: 'A stable, machine-readable error code.' },
    ),
    message: Type.String({ description: 'A human-readable explanation.' }),
  },
  { $id: 'ErrorResponse', title: 'Error', additionalProperties: false },
)
export type ErrorResponse = Static<typeof ErrorResponse>

/** The response-schema entries for the error codes a route can answer with. */
export function errorResponses(...codes: ErrorCode[]): Record<number, typeof ErrorResponse> {
  const responses: Record<number, typeof ErrorResponse> = {}
  for (const code of codes) responses[errorCodes[code].statusCode] = ErrorResponse
  return responses
}
