/**
 * What a calling service may be granted in CALLER_POLICY_FILE, and what each
 * allows. The single source: the policy's validation, the routes' guards and
 * the README's table all derive from it.
 */
export const permissions = {
  'users:register': 'Register users: POST /users.',
  'users:read': 'Look users up by id: GET /users/:id.',
  'tokens:issue':
    'Log users in, refresh and revoke their tokens: POST /tokens, /tokens/refresh, /tokens/revoke.',
  'tokens:introspect': 'Ask whether an access token is live: POST /tokens/introspect.',
  'sessions:manage':
    "List and end any user's sessions: GET and DELETE /users/:id/sessions, DELETE /users/:id/sessions/:sessionId.",
} as const satisfies Record<string, string>

export type Permission = keyof typeof permissions

export const PERMISSIONS = Object.keys(permissions) as Permission[]

/**
 * Permissions over other users' accounts: with NODE_ENV=production no caller
 * has them unless a policy grants them by name.
 */
export const PRIVILEGED_PERMISSIONS: readonly Permission[] = ['sessions:manage']

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && Object.hasOwn(permissions, value)
}
