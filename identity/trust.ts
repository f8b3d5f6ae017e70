import { readFileSync } from 'node:fs';
import {
  createVerifier,
  loadGatewayKeyRing,
  loadOrCreateLocalIssuer,
  rememberAccepted,
  localIssuerTrust,
  type GatewayKeyRing,
  type TokenVerifier,
  type TrustedIssuer,
} from '.';
import type { PlatformConfig } from '../platform/config';
import type { Logger } from '../platform/logger';
import type { IdentitySettings } from './settings';

/** Keys and verifiers loaded once per process and shared by the gateway and the subgraphs it runs. */
export interface HubSecurity {
  /** Verifies client bearer tokens against the organisations' trusted issuers. */
  verifier: TokenVerifier;
  /**
   * The gateway's internal keys, by kid: the current one signs subgraph tokens and call proofs;
   * subgraphs accept it and, during a rotation's overlap, the previous one (`npm run key:rotate`).
   */
  gatewayKeys: GatewayKeyRing;
}

/**
 * Trusted issuers from TRUSTED_ISSUERS_FILE plus, when LOCAL_ISSUER is on (by default outside
 * production only), the local demo issuer. Trusting the demo issuer in production is said at
 * every start, as a warning.
 */
export async function loadSecurity(config: IdentitySettings & Pick<PlatformConfig, 'SECRETS_DIR' | 'NODE_ENV'>, log?: Logger): Promise<HubSecurity> {
  const issuers: TrustedIssuer[] = config.TRUSTED_ISSUERS_FILE ? (JSON.parse(readFileSync(config.TRUSTED_ISSUERS_FILE, 'utf8')) as TrustedIssuer[]) : [];
  if (config.LOCAL_ISSUER) {
    issuers.push(localIssuerTrust(await loadOrCreateLocalIssuer(config.SECRETS_DIR)));
    if (config.NODE_ENV === 'production') {
      log?.warn(
        { secretsDir: config.SECRETS_DIR },
        'LOCAL ISSUER TRUSTED IN PRODUCTION (LOCAL_ISSUER_IN_PRODUCTION is set): whoever can read SECRETS_DIR can mint any token, HUB_ADMIN included. Use TRUSTED_ISSUERS_FILE for real deployments.',
      );
    }
  }
  if (!issuers.length) {
    throw new Error(
      config.NODE_ENV === 'production'
        ? 'no trusted token issuer: set TRUSTED_ISSUERS_FILE (the local demo issuer is off with NODE_ENV=production)'
        : 'no trusted token issuer: set TRUSTED_ISSUERS_FILE or LOCAL_ISSUER=true',
    );
  }
  const verifier = createVerifier(issuers, { jwksCacheMaxAgeMs: config.JWKS_CACHE_SECONDS * 1000 });
  return {
    verifier: { verify: rememberAccepted((token) => verifier.verify(token), { maxAgeMs: config.ACCEPTED_TOKEN_CACHE_SECONDS * 1000 }) },
    gatewayKeys: await loadGatewayKeyRing(config.SECRETS_DIR),
  };
}
