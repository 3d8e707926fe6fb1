import type { UserProfile } from '@auth-service/db'
import type { UserView } from '@auth-service/shared'

export function toUserView(user: UserProfile): UserView {
  return { id: user.id, username: user.username, createdAt: user.createdAt.toISOString() }
}
