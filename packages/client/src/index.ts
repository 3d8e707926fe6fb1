export {
  AuthServiceError,
  type AuthServiceErrorCode,
  type AuthServiceErrorDetails,
  type ClientFailureCode,
  isAuthServiceError,
} from './auth-service-error.js'
export { type AuthServiceClient, createAuthServiceClient } from './client.js'
export {
  type AuthServiceClientOptions,
  type CallOptions,
  type ClientTlsOptions,
  DEFAULT_OPTIONS,
  type RegisterOptions,
} from './client-options.js'
export type { RetrySettings } from './retry-policy.js'
