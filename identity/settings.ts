import { z } from 'zod';
import { flag, limit } from '../platform/config';

/** Which token issuers the hub trusts. */
export const identitySettings = {
  /** Trust the local demo issuer (keys generated on first start) for the demo organisations. */
  LOCAL_ISSUER: flag(true),
  /** JSON file listing the organisations' trusted token issuers (see README, "Identity"). */
  TRUSTED_ISSUERS_FILE: z.string().min(1).optional(),
  /**
   * Longest a fetched JWKS (`jwksUrl`) is used before it is fetched again, in seconds: a key
   * withdrawn from an issuer's set stops verifying new tokens within this. A token with a key id
   * not in the cached set makes the gateway fetch again at once (at most once a second), so a new
   * key is accepted as soon as its issuer publishes it.
   */
  JWKS_CACHE_SECONDS: limit(1, 3_600, 60),
  /**
   * Longest the gateway reuses its verdict on a client token it accepted, in seconds (0: verify
   * every request). With JWKS_CACHE_SECONDS it bounds how long a withdrawn key still lets a token
   * in: at most the sum of the two.
   */
  ACCEPTED_TOKEN_CACHE_SECONDS: limit(0, 300, 60),
};

export type IdentitySettings = z.infer<z.ZodObject<typeof identitySettings>>;
