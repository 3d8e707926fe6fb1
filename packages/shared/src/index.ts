export { ERROR_CODES, type ErrorCode, errorCodes, isErrorCode } from './error-codes.js'
export {
  COMMON_ERRORS,
  ErrorResponse,
  errorResponses,
  JSON_BODY_ERRORS,
} from './error-response.js'
export {
  CallerNotPermitted,
  ClientCertificateRequired,
  DatabaseUnavailable,
  IdempotencyKeyReused,
  InvalidCredentials,
  InvalidRefreshToken,
  InvalidToken,
  InvalidUsername,
  Overloaded,
  PasswordPolicyViolation,
  RateLimited,
  RequestInProgress,
  SessionNotFound,
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
  isPermission,
  PERMISSIONS,
  type Permission,
  PRIVILEGED_PERMISSIONS,
  permissions,
} from './permissions.js'
export {
  IntrospectionResponse,
  IntrospectTokenBody,
  introspectTokenSchema,
  RefreshTokenBody,
  RevokeTokenBody,
  refreshTokenSchema,
  revokeTokenSchema,
} from './refresh-tokens.js'
export {
  endMyOtherSessionsSchema,
  endMySessionSchema,
  endUserSessionSchema,
  endUserSessionsSchema,
  listMySessionsSchema,
  listUserSessionsSchema,
  SessionIdParams,
  SessionList,
  SessionView,
  UserSessionParams,
} from './sessions.js'
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
  TokenPairResponse,
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
