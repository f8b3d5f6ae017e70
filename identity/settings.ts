import { z } from 'zod';
import { limit, type PlatformConfig } from '../platform/config';

/**
 * The value LOCAL_ISSUER_IN_PRODUCTION must hold for the demo issuer to be trusted with
 * NODE_ENV=production: it says what is accepted.
 */
export const LOCAL_ISSUER_PRODUCTION_ACK = 'anyone-with-the-secrets-can-mint-tokens';

/** Which token issuers the hub trusts. */
export const identitySettings = {
  /**
   * Trust the local demo issuer (keys generated on first start in SECRETS_DIR) for the demo
   * organisations. Default: on, except with NODE_ENV=production, where anyone who can read the
   * secrets folder could mint any token with it (HUB_ADMIN included); there it takes
   * LOCAL_ISSUER=true together with LOCAL_ISSUER_IN_PRODUCTION.
   */
  LOCAL_ISSUER: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === 'true')),
  /** The acknowledgement that turns the demo issuer on in production (with LOCAL_ISSUER=true). */
  LOCAL_ISSUER_IN_PRODUCTION: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.literal(LOCAL_ISSUER_PRODUCTION_ACK, { error: `must be exactly "${LOCAL_ISSUER_PRODUCTION_ACK}" (or unset)` }).optional(),
  ),
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

type RawIdentitySettings = z.infer<z.ZodObject<typeof identitySettings>>;

/** The identity settings once resolved: whether the demo issuer is trusted is always decided. */
export type IdentitySettings = Omit<RawIdentitySettings, 'LOCAL_ISSUER'> & { LOCAL_ISSUER: boolean };

/**
 * In production the demo issuer takes two settings, so that one variable left over from a
 * development set-up cannot turn it on, and an acknowledgement alone does nothing unnoticed.
 */
export function checkIdentitySettings(config: RawIdentitySettings & Pick<PlatformConfig, 'NODE_ENV'>, ctx: z.RefinementCtx): void {
  if (config.NODE_ENV !== 'production') return;
  if (config.LOCAL_ISSUER === true && !config.LOCAL_ISSUER_IN_PRODUCTION) {
    ctx.addIssue({
      code: 'custom',
      path: ['LOCAL_ISSUER'],
      message:
        `true with NODE_ENV=production: whoever can read SECRETS_DIR could mint any token with the demo issuer (HUB_ADMIN included). ` +
        `Use TRUSTED_ISSUERS_FILE, or accept that with LOCAL_ISSUER_IN_PRODUCTION=${LOCAL_ISSUER_PRODUCTION_ACK}`,
    });
  }
  if (config.LOCAL_ISSUER_IN_PRODUCTION && config.LOCAL_ISSUER !== true) {
    ctx.addIssue({
      code: 'custom',
      path: ['LOCAL_ISSUER_IN_PRODUCTION'],
      message: 'set without LOCAL_ISSUER=true: the demo issuer stays off in production unless both are set (unset it, or set LOCAL_ISSUER=true too)',
    });
  }
}

/** LOCAL_ISSUER's default: on for development and tests, off in production. */
export function resolveIdentitySettings<T extends RawIdentitySettings & Pick<PlatformConfig, 'NODE_ENV'>>(config: T): Omit<T, 'LOCAL_ISSUER'> & { LOCAL_ISSUER: boolean } {
  return { ...config, LOCAL_ISSUER: config.LOCAL_ISSUER ?? config.NODE_ENV !== 'production' };
}
