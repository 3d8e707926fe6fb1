export { ERROR_CODES, type ErrorCode, errorCodes, isErrorCode } from './error-codes.js'
export { ErrorResponse, errorResponses } from './error-response.js'
export {
  DatabaseUnavailable,
  InvalidCredentials,
  InvalidToken,
  InvalidUsername,
  PasswordPolicyViolation,
  UnsupportedMediaType,
  UserNotFound,
  UsernameTaken,
} from './errors.js'
export { HealthStatus, livenessSchema, readinessSchema } from './health.js'
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
  RegisterUserBody,
  registerUserSchema,
  USERNAME_RULES,
  UserIdParams,
  UserView,
} from './users.js'
