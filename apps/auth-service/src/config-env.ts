import type { Static, TObject, TSchema } from '@sinclair/typebox'
import { Value, type ValueError } from '@sinclair/typebox/value'
import { ConfigError } from './config-values.js'

// Blanks around it are allowed, as Ajv allowed them: a value read from a
// secret's file often ends with a newline.
const INTEGER = /^\s*[+-]?\d+\s*$/

/**
 * The variables `schema` names, read from `env` and converted to the types it
 * gives, with its defaults for the unset and the empty. Throws a ConfigError
 * naming the first variable that does not fit, never repeating its value.
 *
 * TypeBox checks the object by walking the schema. Ajv (through env-schema)
 * compiled it first, and its instance compiled draft-07's meta-schema: for a
 * check made once, that cost a start about 40 ms (docs/performance.md).
 */
export function parseEnv<S extends TObject>(
  schema: S,
  env: Record<string, string | undefined>,
): Static<S> {
  const given: Record<string, unknown> = {}
  for (const [name, property] of Object.entries(schema.properties)) {
    const text = env[name]
    if (text !== undefined && text !== '') given[name] = fromText(property, text)
  }
  const parsed: unknown = Value.Default(schema, given)
  const error = Value.Errors(schema, parsed).First()
  if (error !== undefined) {
    throw new ConfigError(`invalid configuration: env${error.path} ${describe(error)}`)
  }
  return parsed as Static<S>
}

/**
 * Strictly: "12.5", "1e3" or "0x50" stay strings, which the check refuses. The
 * configuration has no `Type.Number` setting; one would need its rule here.
 */
function fromText(schema: TSchema, text: string): unknown {
  if (schema.type === 'integer' && INTEGER.test(text)) return Number(text)
  if (schema.type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true'
  return text
}

function describe(error: ValueError): string {
  const choices = (error.schema.anyOf as TSchema[] | undefined)?.map((choice) => choice.const)
  if (choices?.every((choice) => typeof choice === 'string')) {
    return `must be one of ${choices.join(', ')}`
  }
  return error.message.charAt(0).toLowerCase() + error.message.slice(1)
}
