import {
  deleteSessions,
  findRefreshToken,
  findSession,
  insertSession,
  type Knex,
  listSessions,
  type RefreshTokenRecord,
  rotateRefreshToken,
  type SessionRecord,
  type SessionSelector,
  sessionIdOfRefreshToken,
} from '@auth-service/db'
import {
  type AccessTokenClaims,
  InvalidRefreshToken,
  type TokenPairResponse,
} from '@auth-service/shared'
import type { FastifyBaseLogger } from 'fastify'
import { v7 as uuidv7 } from 'uuid'
import type { SessionSettings } from '../config.js'
import type { AccessTokens } from '../tokens/access-tokens.js'
import {
  newRefreshToken,
  openSuccessor,
  refreshTokenHash,
  sealSuccessor,
} from './refresh-token-codec.js'

/** Why sessions end: logged, and (with the events) published. */
export type EndReason = 'logout' | 'user' | 'admin' | 'reuse' | 'expired'

export interface SessionManagerDeps {
  db: Knex
  accessTokens: AccessTokens
  settings: SessionSettings
  now: () => number
}

/** A spent token followed to its successor at most this many times in one refresh. */
const MAX_SUCCESSOR_STEPS = 8
/** The most sessions a listing shows: the newest. */
export const LISTED_SESSIONS = 100
const SWEEP_BATCH = 1000

type User = { id: string; username: string }

/**
 * Sessions and their refresh tokens: logins start them, refreshes rotate
 * their tokens, and `end` is the one place any of them ends.
 */
export function createSessionManager({ db, accessTokens, settings, now }: SessionManagerDeps) {
  /** The pair answered at `at`: the refresh token's lifetime counted from then. */
  async function pairFor(
    user: User,
    sessionId: string,
    refresh: { token: string; expiresAt: Date; at: number },
  ) {
    const access = await accessTokens.issue(user, sessionId)
    const refreshToken = refresh.token
    const refreshExpiresIn = Math.max(
      1,
      Math.floor((refresh.expiresAt.getTime() - refresh.at) / 1000),
    )
    return { ...access, refreshToken, refreshExpiresIn } satisfies TokenPairResponse
  }

  async function end(
    selector: SessionSelector,
    reason: EndReason,
    log: FastifyBaseLogger,
  ): Promise<string[]> {
    const ended = await deleteSessions(db, selector)
    // The sweep ends sessions by the thousand: a count, not the ids.
    const detail = reason === 'expired' ? { count: ended.length } : { sessionIds: ended }
    if (ended.length > 0) log.info({ ...detail, reason }, 'sessions ended')
    return ended
  }

  async function rotate(record: RefreshTokenRecord, presented: string, at: number) {
    const next = newRefreshToken()
    const expiresAt = new Date(
      Math.min(record.absoluteExpiresAt.getTime(), at + settings.idleTtlMs),
    )
    const outcome = await rotateRefreshToken(db, {
      sessionId: record.sessionId,
      spentHash: record.tokenHash,
      nextHash: next.hash,
      successor: sealSuccessor(presented, next.token),
      now: new Date(at),
      expiresAt,
    })
    return { outcome, token: next.token, expiresAt }
  }

  return {
    end,

    /** A login: a new session and its first pair. */
    async start(user: User, createdBy: string | null): Promise<TokenPairResponse> {
      const at = now()
      const createdAt = new Date(at)
      const session: SessionRecord = {
        id: uuidv7(),
        userId: user.id,
        createdBy,
        createdAt,
        lastUsedAt: createdAt,
        absoluteExpiresAt: new Date(at + settings.ttlMs),
        expiresAt: new Date(at + settings.idleTtlMs),
      }
      const first = newRefreshToken()
      await insertSession(db, session, first.hash)
      return pairFor(user, session.id, { token: first.token, expiresAt: session.expiresAt, at })
    },

    /**
     * Spends `token` for a new pair. A spent token sent again within the
     * grace is followed to its successor, which is answered again, not
     * replaced: every retry and every concurrent refresh of one token ends
     * with the same live successor. Past the grace its session ends.
     */
    async refresh(token: string, log: FastifyBaseLogger): Promise<TokenPairResponse> {
      // The grace is judged by when the request came, not by how long it
      // then waited for the database.
      const at = now()
      let presented = token
      let reachedBySuccessor = false
      for (let step = 0; step < MAX_SUCCESSOR_STEPS; step++) {
        const record = await findRefreshToken(db, refreshTokenHash(presented))
        if (record === undefined || record.expiresAt.getTime() <= at) break
        const user = { id: record.userId, username: record.username }
        if (record.spentAt === null) {
          if (reachedBySuccessor) {
            return pairFor(user, record.sessionId, {
              token: presented,
              expiresAt: record.expiresAt,
              at,
            })
          }
          const rotated = await rotate(record, presented, at)
          if (rotated.outcome === 'rotated') {
            return pairFor(user, record.sessionId, { ...rotated, at })
          }
          if (rotated.outcome === 'ended') break
          // Spent by a concurrent refresh meanwhile: read it again, as spent.
          continue
        }
        if (at - record.spentAt.getTime() > settings.reuseGraceMs) {
          log.warn(
            { sessionId: record.sessionId },
            'spent refresh token sent again: ending its session',
          )
          await end({ sessionId: record.sessionId }, 'reuse', log)
          break
        }
        const successor =
          record.successor === null ? undefined : openSuccessor(presented, record.successor)
        if (successor === undefined) break
        presented = successor
        reachedBySuccessor = true
      }
      throw new InvalidRefreshToken()
    },

    /** RFC 7009: ends the token's session if there is one; says nothing either way. */
    async revokeRefreshToken(token: string, log: FastifyBaseLogger): Promise<void> {
      const sessionId = await sessionIdOfRefreshToken(db, refreshTokenHash(token))
      if (sessionId !== undefined) await end({ sessionId }, 'logout', log)
    },

    list(userId: string): Promise<SessionRecord[]> {
      return listSessions(db, userId, new Date(now()), LISTED_SESSIONS)
    },

    /** Whether the access token's session is live and the token's user's. */
    async isLive(claims: Pick<AccessTokenClaims, 'sid' | 'sub'>): Promise<boolean> {
      const session = await findSession(db, claims.sid)
      return (
        session !== undefined &&
        session.userId === claims.sub &&
        session.expiresAt.getTime() > now()
      )
    },

    /** Deletes the expired sessions; resolves with how many. */
    async sweep(log: FastifyBaseLogger): Promise<number> {
      let swept = 0
      for (;;) {
        const ended = await end({ expiredBy: new Date(now()), limit: SWEEP_BATCH }, 'expired', log)
        swept += ended.length
        if (ended.length < SWEEP_BATCH) return swept
      }
    },
  }
}

export type SessionManager = ReturnType<typeof createSessionManager>
