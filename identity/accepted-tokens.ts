import { LRUCache } from 'lru-cache';
import type { Principal } from './principal';
import type { Unauthenticated } from './refusal';

/** What a token verifier answers: an accepted principal (with more fields, maybe) or a refusal. */
export type Verdict = ({ readonly ok: true; readonly principal: Principal } & object) | Unauthenticated;

export interface AcceptedTokenCacheOptions {
  /** Most tokens remembered (default 10 000); the least recently used go first. */
  readonly max?: number;
  /**
   * Longest a verdict is reused, in ms (default 60 000), even if the token lives longer: bounds how
   * long a key withdrawn from an issuer's key set still lets its tokens in.
   */
  readonly maxAgeMs?: number;
}

/**
 * Remembers accepted tokens, so a client that sends the same token on every request pays one
 * signature check per token instead of one per request. A verdict is kept until the token expires
 * (never past it) or `maxAgeMs`; refusals are never kept, so a token is judged again each time it
 * fails. The token string is the key: a different token, even for the same subject, is verified.
 */
export function rememberAccepted<Result extends Verdict>(
  verify: (token: string) => Promise<Result>,
  options: AcceptedTokenCacheOptions = {},
): (token: string) => Promise<Result> {
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  const accepted = new LRUCache<string, Result & { ok: true }>({ max: options.max ?? 10_000 });
  return async (token) => {
    const known = accepted.get(token);
    if (known && known.principal.expiresAt.getTime() > Date.now()) return known;
    const verdict = await verify(token);
    if (verdict.ok) {
      const ttl = Math.min(maxAgeMs, verdict.principal.expiresAt.getTime() - Date.now());
      if (ttl > 0) accepted.set(token, verdict as Result & { ok: true }, { ttl });
    }
    return verdict;
  };
}
