export { ERROR_CODES, type ErrorCode, errorCodes, isErrorCode } from './error-codes.js'
export { ErrorResponse, errorResponses } from './error-response.js'
export {
  DatabaseUnavailable,
  InvalidUsername,
  PasswordPolicyViolation,
  UnsupportedMediaType,
  UserNotFound,
  UsernameTaken,
} from './errors.js'
export { HealthStatus, livenessSchema, readinessSchema } from './health.js'
export {
  getUserSchema,
  RegisterUserBody,
  registerUserSchema,
  USERNAME_RULES,
  UserIdParams,
  UserView,
} from './users.js'
