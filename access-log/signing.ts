import path from 'node:path';
import { CompactSign, compactVerify, decodeProtectedHeader, type KeyLike } from 'jose';
import { loadOrCreateSigningKey, SIGNING_ALGORITHM, type SigningKeyPair } from '../platform/key-store';
import { canonicalJson } from './event';

/** File of the hub key that signs chain heads and retention anchors, inside the secrets folder. */
export const AUDIT_SIGNING_KEY_FILE = 'audit-signing.json';

/** What signs: the key id and the private key (a {@link SigningKeyPair} fits). */
export type AuditSigner = Pick<SigningKeyPair, 'kid' | 'privateKey'>;

/** Public keys that verify heads and anchors: one key, or several by `kid` (after a rotation). */
export type AuditPublicKeys = KeyLike | ReadonlyMap<string, KeyLike>;

/** Loads the audit signing key pair from `secretsDir`, generating it (mode 600) on first use. */
export function loadAuditSigningKey(secretsDir: string): Promise<SigningKeyPair> {
  return loadOrCreateSigningKey(path.join(secretsDir, AUDIT_SIGNING_KEY_FILE));
}

/** A place in a chain: its event at `seq` has hash `hash` (seq 0: the genesis hash). */
export interface ChainPosition {
  chainId: string;
  seq: number;
  hash: string;
}

/**
 * Why a chain was closed for good: `closed` by its writer on a clean stop, `recovered` by the
 * writer's next start after a crash (at the last event the store holds), `abandoned` after a
 * failed write (at the last event known committed; the writer continues on a new chain).
 */
export type SealReason = 'closed' | 'recovered' | 'abandoned';
export const SEAL_REASONS: readonly SealReason[] = ['closed', 'recovered', 'abandoned'];

/**
 * A signed statement that chain `chainId` had, at `seq`, an event with hash `hash`. The head at
 * seq 0 opens the chain: it names the writer and the position where that writer's previous chain
 * ended, so deleting a whole chain breaks the link from the next one. A sealed head ends it.
 */
export interface SignedHead extends ChainPosition {
  /** ISO 8601 time of signing. */
  signedAt: string;
  /** Opening only: the writer (`AUDIT_WRITER_ID`). Absent on chains opened before writers had ids. */
  writer?: string;
  /** Opening only: where the writer's previous chain ended; `null` for its first chain. */
  previous?: ChainPosition | null;
  /** Present on the head that ends the chain. */
  sealed?: SealReason;
  kid: string;
  /**
   * Compact JWS (ES256) over the canonical JSON of `{chainId, hash, seq, signedAt}` and, when
   * present, `previous`, `sealed` and `writer`.
   */
  signature: string;
}

/**
 * A signed statement made before retention dropped the start of a chain: verification of
 * `chainId` starts at `firstSeq`, whose `prevHash` is the hash of the last dropped event.
 */
export interface SignedAnchor {
  chainId: string;
  firstSeq: number;
  prevHash: string;
  /** The retention cut-off that dropped the events before `firstSeq`. */
  prunedBefore: string;
  createdAt: string;
  kid: string;
  signature: string;
}

const HEAD_TYPE = 'frontera-audit-head+jws';
const ANCHOR_TYPE = 'frontera-audit-anchor+jws';

type HeadClaims = Omit<SignedHead, 'kid' | 'signature'>;

/** The signed claims of a head: the optional ones only when present, so older heads verify as signed. */
function headClaims(head: HeadClaims): HeadClaims {
  const { chainId, seq, hash, signedAt, writer, previous, sealed } = head;
  return {
    chainId,
    seq,
    hash,
    signedAt,
    ...(writer !== undefined ? { writer } : {}),
    ...(previous !== undefined ? { previous: previous && { chainId: previous.chainId, seq: previous.seq, hash: previous.hash } } : {}),
    ...(sealed !== undefined ? { sealed } : {}),
  };
}
type AnchorClaims = Omit<SignedAnchor, 'kid' | 'signature'>;

async function sign(signer: AuditSigner, typ: string, claims: object): Promise<string> {
  return new CompactSign(Buffer.from(canonicalJson(claims), 'utf8')).setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: signer.kid, typ }).sign(signer.privateKey);
}

/** Signs a chain head. */
export async function signHead(signer: AuditSigner, claims: HeadClaims): Promise<SignedHead> {
  const signed = headClaims(claims);
  return { ...signed, kid: signer.kid, signature: await sign(signer, HEAD_TYPE, signed) };
}

/** Signs a retention anchor. */
export async function signAnchor(signer: AuditSigner, claims: AnchorClaims): Promise<SignedAnchor> {
  const { chainId, firstSeq, prevHash, prunedBefore, createdAt } = claims;
  return { chainId, firstSeq, prevHash, prunedBefore, createdAt, kid: signer.kid, signature: await sign(signer, ANCHOR_TYPE, { chainId, firstSeq, prevHash, prunedBefore, createdAt }) };
}

function keyFor(keys: AuditPublicKeys, kid: unknown): KeyLike | undefined {
  if (keys instanceof Map) return typeof kid === 'string' ? keys.get(kid) : undefined;
  return keys as KeyLike;
}

/**
 * True when `signature` is a valid JWS of the expected type, by a known key, over exactly the
 * given claims (so a valid signature copied onto another row does not pass).
 */
async function verifySignature(keys: AuditPublicKeys, typ: string, signature: string, claims: object): Promise<boolean> {
  try {
    const header = decodeProtectedHeader(signature);
    const key = keyFor(keys, header.kid);
    if (!key || header.typ !== typ || header.alg !== SIGNING_ALGORITHM) return false;
    const { payload } = await compactVerify(signature, key, { algorithms: [SIGNING_ALGORITHM] });
    return Buffer.from(payload).toString('utf8') === canonicalJson(claims);
  } catch {
    return false;
  }
}

/** Whether a stored head carries a valid signature over its own columns. */
export function verifyHeadSignature(keys: AuditPublicKeys, head: SignedHead): Promise<boolean> {
  return verifySignature(keys, HEAD_TYPE, head.signature, headClaims(head));
}

/** Whether a stored anchor carries a valid signature over its own columns. */
export function verifyAnchorSignature(keys: AuditPublicKeys, anchor: SignedAnchor): Promise<boolean> {
  const { chainId, firstSeq, prevHash, prunedBefore, createdAt } = anchor;
  return verifySignature(keys, ANCHOR_TYPE, anchor.signature, { chainId, firstSeq, prevHash, prunedBefore, createdAt });
}
