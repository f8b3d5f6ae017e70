/** Identity: who a request comes from, as established from a verified token. */
export * from './principal';
export * from './refusal';
export * from './verifier';
export * from './local-issuer';
export * from './subgraph-token';
export { rememberAccepted, type AcceptedTokenCacheOptions } from './accepted-tokens';
export type { SigningKeyPair } from '../platform/key-store';
