import { readFile } from 'node:fs/promises'
import {
  isPermission,
  PERMISSIONS,
  type Permission,
  PRIVILEGED_PERMISSIONS,
} from '@auth-service/shared'
import { parse as parseYaml } from 'yaml'
import type { CallerSettings } from '../config.js'
import { ConfigError } from '../config.js'

/** Who may call what. */
export interface CallerPolicy {
  allows(identity: string | null, permission: Permission): boolean
  /** For the start-up log. */
  readonly description: string
}

/** The key that grants to every caller with a verified certificate. */
export const ANY_CALLER = '*'

// spiffe://<trust domain>/<path>, as the SPIFFE ID specification has them.
const SPIFFE_ID = /^spiffe:\/\/[a-z0-9._-]+(\/[A-Za-z0-9._-]+)+$/
// Any other URI SAN: a scheme, an authority, no blanks.
const URI = /^[a-z][a-z0-9+.-]*:\/\/[^\s/]+(\/\S*)?$/
const COMMON_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,63}$/

export function isCallerIdentity(identity: string): boolean {
  if (identity.startsWith('spiffe:')) return SPIFFE_ID.test(identity)
  if (identity.includes(':')) return URI.test(identity)
  return COMMON_NAME.test(identity) && !identity.endsWith(' ')
}

/**
 * The policy of CALLER_POLICY_FILE, or without one: every permission for
 * every caller, but the privileged ones with NODE_ENV=production.
 */
export async function loadCallerPolicy(settings: CallerSettings): Promise<CallerPolicy> {
  if (settings.policyFile === undefined) {
    const withheld = settings.production ? new Set(PRIVILEGED_PERMISSIONS) : new Set()
    return {
      allows: (_identity, permission) => !withheld.has(permission),
      description: settings.production
        ? `no CALLER_POLICY_FILE: every caller may do everything but ${PRIVILEGED_PERMISSIONS.join(', ')} (NODE_ENV=production)`
        : 'no CALLER_POLICY_FILE: every caller may do everything',
    }
  }
  const grants = parsePolicy(settings.policyFile, await readPolicy(settings.policyFile))
  const anyCaller = grants.get(ANY_CALLER)
  return {
    allows: (identity, permission) =>
      identity !== null &&
      (grants.get(identity)?.has(permission) === true || anyCaller?.has(permission) === true),
    description: `CALLER_POLICY_FILE grants permissions to ${grants.size} caller ${grants.size === 1 ? 'identity' : 'identities'}`,
  }
}

async function readPolicy(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    throw policyError(
      file,
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`,
    )
  }
}

/** JSON or YAML (YAML reads JSON too): `callers: { <identity>: [<permission>, …] }`. */
export function parsePolicy(file: string, text: string): Map<string, Set<Permission>> {
  let document: unknown
  try {
    document = parseYaml(text)
  } catch (error) {
    throw policyError(file, `is not JSON or YAML: ${(error as Error).message.split('\n')[0]}`)
  }
  const callers = isRecord(document) ? document.callers : undefined
  if (
    !isRecord(document) ||
    Object.keys(document).some((key) => key !== 'callers') ||
    !isRecord(callers)
  ) {
    throw policyError(
      file,
      'must hold one object, `callers`, mapping caller identities to lists of permissions',
    )
  }
  const grants = new Map<string, Set<Permission>>()
  for (const [identity, granted] of Object.entries(callers)) {
    if (identity !== ANY_CALLER && !isCallerIdentity(identity)) {
      throw policyError(
        file,
        `names "${identity}", which is not a SPIFFE ID, a URI or a certificate common name`,
      )
    }
    if (!Array.isArray(granted)) {
      throw policyError(file, `grants "${identity}" something other than a list of permissions`)
    }
    for (const permission of granted) {
      if (!isPermission(permission)) {
        throw policyError(
          file,
          `grants "${identity}" the unknown permission ${JSON.stringify(permission)}; known: ${PERMISSIONS.join(', ')}`,
        )
      }
    }
    grants.set(identity, new Set(granted as Permission[]))
  }
  return grants
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function policyError(file: string, problem: string): ConfigError {
  return new ConfigError(`invalid configuration: env/CALLER_POLICY_FILE: ${file} ${problem}`)
}
