import type { SessionRecord } from '@auth-service/db'
import type { SessionView } from '@auth-service/shared'

/** What may be shown of a session; `currentId` marks the caller's own. */
export function toSessionView(session: SessionRecord, currentId?: string): SessionView {
  return {
    id: session.id,
    createdAt: session.createdAt.toISOString(),
    lastUsedAt: session.lastUsedAt.toISOString(),
    expiresAt: session.expiresAt.toISOString(),
    createdBy: session.createdBy,
    ...(currentId === undefined ? {} : { current: session.id === currentId }),
  }
}
