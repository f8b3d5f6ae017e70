import { z } from 'zod';
import { flag } from '../platform/config';

/** Which token issuers the hub trusts. */
export const identitySettings = {
  /** Trust the local demo issuer (keys generated on first start) for the demo organisations. */
  LOCAL_ISSUER: flag(true),
  /** JSON file listing the organisations' trusted token issuers (see README, "Identity"). */
  TRUSTED_ISSUERS_FILE: z.string().min(1).optional(),
};

export type IdentitySettings = z.infer<z.ZodObject<typeof identitySettings>>;
