export type { Knex } from 'knex'
export {
  createDb,
  createDbFor,
  type DbOptions,
  knexConfigFor,
  type PoolStats,
  poolStats,
} from './create-db.js'
export { DatabaseError } from './database-error.js'
export { type DatabaseTarget, describeDatabase, parseDatabaseUrl } from './database-url.js'
export { type Dialect, dialectOf, isUnavailable, isUniqueViolation } from './dialect.js'
export {
  type ClaimOutcome,
  claimIdempotencyKey,
  completeIdempotencyKey,
  deleteExpiredIdempotencyKeys,
  type IdempotencyClaim,
  type IdempotencyOwner,
  type IdempotencyRecord,
  releaseIdempotencyKey,
} from './idempotency-repository.js'
export { migrateToLatest, pendingMigrations, rollbackAll } from './migrate.js'
export { pingDatabase } from './ping.js'
export {
  deleteSessions,
  findRefreshToken,
  findSession,
  insertSession,
  listSessions,
  type RefreshTokenRecord,
  type Rotation,
  rotateRefreshToken,
  type SessionRecord,
  type SessionSelector,
  sessionIdOfRefreshToken,
} from './sessions-repository.js'
export { inTransaction, type TransactionOptions } from './transaction.js'
export {
  deleteUserById,
  endSession,
  findUserByCanonicalName,
  findUserById,
  insertUser,
  insertUsersInBulk,
  isUsernameTaken,
  replacePasswordHash,
  type UserProfile,
  type UserRecord,
} from './users-repository.js'
