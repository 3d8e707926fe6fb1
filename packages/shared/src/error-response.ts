import {
  type SchemaOptions,
  type Static,
  type TLiteral,
  type TObject,
  type TUnsafe,
  Type,
} from '@sinclair/typebox'
import { ERROR_CODES, type ErrorCode, errorCodes } from './error-codes.js'

/**
 * A `code` that is one of `codes`: a JSON Schema enum rather than TypeBox's
 * union of constants, for the same values, static type and OpenAPI meaning.
 * fast-json-stringify compiled the union into a validator for each constant,
 * on every route and status, at every start: about 3 % of a start's
 * instructions (docs/performance.md). It writes an enum's value as it is, so
 * a code a route's schema does not list is sent, where the union made the
 * serializer fail with a 500; the OpenAPI test checks the codes each route
 * lists. TypeBox's Value functions cannot check these schemas (kind Unsafe);
 * nothing here asks them to.
 */
function codeEnum<C extends ErrorCode>(codes: readonly C[], options: SchemaOptions = {}) {
  return Type.Unsafe<C>({ ...options, type: 'string', enum: [...codes] })
}

const errorProperties = {
  error: Type.String({ description: 'The HTTP status text, e.g. "Conflict".' }),
  message: Type.String({ description: 'A human-readable explanation.' }),
}

/** Every error body, whatever the route: the shape a client decodes. */
export const ErrorResponse = Type.Object(
  {
    statusCode: Type.Integer({ minimum: 400, maximum: 599 }),
    code: codeEnum(ERROR_CODES, { description: 'A stable, machine-readable error code.' }),
    ...errorProperties,
  },
  { title: 'Error', additionalProperties: false },
)
export type ErrorResponse = Static<typeof ErrorResponse>

/** Errors any route but the probes can answer with. */
export const COMMON_ERRORS = [
  'INTERNAL_ERROR',
  'OVERLOADED',
  'CLIENT_CERTIFICATE_REQUIRED',
] as const
/** Errors of reading a JSON body. */
export const JSON_BODY_ERRORS = [
  'VALIDATION_FAILED',
  'INVALID_JSON',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
] as const

type ErrorBodySchema = TObject<{
  statusCode: TLiteral<number>
  code: TUnsafe<ErrorCode>
  error: typeof errorProperties.error
  message: typeof errorProperties.message
}>

/**
 * The response-schema entries for the error codes a route can answer with:
 * one per status, its `code` limited to those codes and its description
 * saying what each means, so the OpenAPI document lists them.
 */
export function errorResponses(...codes: ErrorCode[]): Record<number, ErrorBodySchema> {
  const byStatus = new Map<number, ErrorCode[]>()
  for (const code of new Set(codes)) {
    const status = errorCodes[code].statusCode
    byStatus.set(status, [...(byStatus.get(status) ?? []), code])
  }
  const responses: Record<number, ErrorBodySchema> = {}
  for (const [status, sameStatus] of byStatus) {
    responses[status] = Type.Object(
      {
        statusCode: Type.Literal(status),
        code: codeEnum(sameStatus),
        ...errorProperties,
      },
      {
        title: `Error ${status}`,
        additionalProperties: false,
        description: sameStatus
          .map((code) => `\`${code}\`: ${errorCodes[code].description}`)
          .join(' '),
      },
    )
  }
  return responses
}
