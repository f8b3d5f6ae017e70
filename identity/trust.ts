import { readFileSync } from 'node:fs';
import {
  createVerifier,
  loadOrCreateHubInternalKey,
  loadOrCreateLocalIssuer,
  rememberAccepted,
  localIssuerTrust,
  type HubInternalKey,
  type TokenVerifier,
  type TrustedIssuer,
} from '.';
import type { PlatformConfig } from '../platform/config';
import type { IdentitySettings } from './settings';

/** Keys and verifiers loaded once per process and shared by the gateway and the subgraphs it runs. */
export interface HubSecurity {
  /** Verifies client bearer tokens against the organisations' trusted issuers. */
  verifier: TokenVerifier;
  /** Signs the gateway's per-subgraph identity tokens; subgraphs verify with its public half. */
  internalKey: HubInternalKey;
}

/** Trusted issuers from TRUSTED_ISSUERS_FILE plus, unless disabled, the local demo issuer. */
export async function loadSecurity(config: IdentitySettings & Pick<PlatformConfig, 'SECRETS_DIR'>): Promise<HubSecurity> {
  const issuers: TrustedIssuer[] = config.TRUSTED_ISSUERS_FILE ? (JSON.parse(readFileSync(config.TRUSTED_ISSUERS_FILE, 'utf8')) as TrustedIssuer[]) : [];
  if (config.LOCAL_ISSUER) issuers.push(localIssuerTrust(await loadOrCreateLocalIssuer(config.SECRETS_DIR)));
  if (!issuers.length) throw new Error('no trusted token issuer: set TRUSTED_ISSUERS_FILE or LOCAL_ISSUER=true');
  const verifier = createVerifier(issuers, { jwksCacheMaxAgeMs: config.JWKS_CACHE_SECONDS * 1000 });
  return {
    verifier: { verify: rememberAccepted((token) => verifier.verify(token), { maxAgeMs: config.ACCEPTED_TOKEN_CACHE_SECONDS * 1000 }) },
    internalKey: await loadOrCreateHubInternalKey(config.SECRETS_DIR),
  };
}
