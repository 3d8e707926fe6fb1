export { ERROR_CODES, type ErrorCode, errorCodes, isErrorCode } from './error-codes.js'
export {
  COMMON_ERRORS,
  ErrorResponse,
  errorResponses,
  JSON_BODY_ERRORS,
} from './error-response.js'
export {
  ClientCertificateRequired,
  DatabaseUnavailable,
  IdempotencyKeyReused,
  InvalidCredentials,
  InvalidToken,
  InvalidUsername,
  Overloaded,
  PasswordPolicyViolation,
  RateLimited,
  RequestInProgress,
  ShuttingDown,
  UnsupportedMediaType,
  UserNotFound,
  UsernameTaken,
} from './errors.js'
export {
  HealthStatus,
  livenessSchema,
  METRICS_PATH,
  metricsSchema,
  PROBE_PATHS,
  readinessSchema,
} from './health.js'
export {
  ACCESS_TOKEN_ALGORITHM,
  ACCESS_TOKEN_TYPE,
  AccessTokenClaims,
  AccessTokenResponse,
  createTokenSchema,
  JsonWebKeySet,
  JWKS_PATH,
  jwksSchema,
  LoginBody,
  PublicJwk,
} from './tokens.js'
export {
  currentUserSchema,
  getUserSchema,
  IDEMPOTENCY_KEY_HEADER,
  RegisterUserBody,
  RegisterUserHeaders,
  registerUserSchema,
  USERNAME_RULES,
  UserIdParams,
  UserView,
} from './users.js'
