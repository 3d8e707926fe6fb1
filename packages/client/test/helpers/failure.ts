import { type AuthServiceError, isAuthServiceError } from '../../src/index.js'

/** The AuthServiceError a call rejects with; throws if it resolves or rejects otherwise. */
export async function failure(promise: Promise<unknown>): Promise<AuthServiceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!isAuthServiceError(error)) throw new Error(`expected an AuthServiceError, got ${error}`)
  return error
}
