import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK, type KeyLike } from 'jose';
import { z } from 'zod';

/** The only algorithm the hub signs with: short signatures, fast, and supported by every JOSE library. */
export const SIGNING_ALGORITHM = 'ES256';

/** An ES256 key pair kept in the secrets folder, imported once so that signing and verifying cost no parsing. */
export interface SigningKeyPair {
  /** JWK thumbprint (RFC 7638) of the public key; the `kid` of every token signed with it. */
  readonly kid: string;
  /** Public half as a JWK with `kid`, `alg` and `use`, ready for a JWKS or a trusted-issuer entry. */
  readonly publicJwk: Readonly<JWK>;
  readonly privateKey: KeyLike;
  readonly publicKey: KeyLike;
  /** For a retired key kept for an overlap: the moment after which tokens signed with it are refused. */
  readonly notAfter?: Date;
}

const storedKeySchema = z.object({
  alg: z.literal(SIGNING_ALGORITHM),
  privateJwk: z.object({
    kty: z.literal('EC'),
    crv: z.literal('P-256'),
    x: z.string().min(1),
    y: z.string().min(1),
    d: z.string().min(1),
    kid: z.string().min(1),
  }),
  /** Set on a key that has been rotated out: accepted for verification until then, never used to sign. */
  notAfter: z.iso.datetime().optional(),
});
type StoredKey = z.infer<typeof storedKeySchema>;

/**
 * Reads the key pair stored in `file`, generating it (mode 600, folder mode 700) when absent. Two
 * processes starting together end up with the same key: the file appears complete or not at all.
 */
export async function loadOrCreateSigningKey(file: string): Promise<SigningKeyPair> {
  const stored = (await readStoredKey(file)) ?? (await createStoredKey(file));
  return importStoredKey(stored);
}

/** Reads the key pair stored in `file`, or `undefined` when there is none (never generates one). */
export async function loadSigningKey(file: string): Promise<SigningKeyPair | undefined> {
  const stored = await readStoredKey(file);
  return stored && importStoredKey(stored);
}

/**
 * Rotates the key in `file`: the key in use moves to `previousFile` with `notAfter` = now +
 * `overlapMs` (verifiers keep accepting it until then), and a new key takes its place. A previous
 * key still in its overlap is refused: rotating twice within one overlap would cut off tokens
 * signed a moment ago. Returns the kids of both.
 */
export async function rotateSigningKey(file: string, previousFile: string, overlapMs: number, now = new Date()): Promise<{ previous: string; current: string }> {
  const current = await readStoredKey(file);
  if (!current) throw new Error(`${file} does not exist: there is no key to rotate (it is generated at first start)`);
  const earlier = await readStoredKey(previousFile);
  if (earlier?.notAfter && new Date(earlier.notAfter) > now) {
    throw new Error(`the previous key ${earlier.privateJwk.kid} is still accepted until ${earlier.notAfter}: rotate again after that`);
  }
  const retired: StoredKey = { ...current, notAfter: new Date(now.getTime() + overlapMs).toISOString() };
  await writeAtomically(previousFile, retired);
  const next = await newStoredKey();
  await writeAtomically(file, next);
  return { previous: current.privateJwk.kid, current: next.privateJwk.kid };
}

/** Replaces `file` in one step (rename), so a reader sees the old content or the new, never a part. */
async function writeAtomically(file: string, stored: StoredKey): Promise<void> {
  const temporary = `${file}.${randomUUID()}.tmp`;
  await fs.writeFile(temporary, JSON.stringify(stored, null, 2), { mode: 0o600, flag: 'wx' });
  try {
    await fs.rename(temporary, file);
  } finally {
    await fs.rm(temporary, { force: true });
  }
}

async function newStoredKey(): Promise<StoredKey> {
  const { privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return storedKeySchema.parse({ alg: SIGNING_ALGORITHM, privateJwk: { ...jwk, kid } });
}

async function readStoredKey(file: string): Promise<StoredKey | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: ReturnType<typeof storedKeySchema.safeParse>;
  try {
    parsed = storedKeySchema.safeParse(JSON.parse(text));
  } catch {
    parsed = storedKeySchema.safeParse(undefined);
  }
  if (!parsed.success) {
    // Only the paths of the problems: the file holds a private key, none of it may reach a message.
    const where = parsed.error.issues.map((issue) => issue.path.join('.') || '(file)').join(', ');
    throw new Error(`${file} is not a valid ${SIGNING_ALGORITHM} key file (problems at: ${where}); delete it to generate a new key`);
  }
  return parsed.data;
}

async function createStoredKey(file: string): Promise<StoredKey> {
  const stored = await newStoredKey();

  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  // Written in full under a temporary name, then linked into place: `link` fails if the file exists,
  // so a concurrent starter never reads a half-written file nor overwrites a key already in use.
  const temporary = `${file}.${randomUUID()}.tmp`;
  await fs.writeFile(temporary, JSON.stringify(stored, null, 2), { mode: 0o600, flag: 'wx' });
  try {
    await fs.link(temporary, file);
    return stored;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const winner = await readStoredKey(file);
    if (!winner) throw error;
    return winner;
  } finally {
    await fs.rm(temporary, { force: true });
  }
}

async function importStoredKey({ alg, privateJwk, notAfter }: StoredKey): Promise<SigningKeyPair> {
  const { kty, crv, x, y, kid } = privateJwk;
  const publicJwk: JWK = Object.freeze({ kty, crv, x, y, kid, alg, use: 'sig' });
  const [privateKey, publicKey] = await Promise.all([importJWK(privateJwk, alg), importJWK(publicJwk, alg)]);
  // importJWK only returns bytes for symmetric (`oct`) keys, which the schema above excludes.
  return { kid, publicJwk, privateKey: privateKey as KeyLike, publicKey: publicKey as KeyLike, ...(notAfter ? { notAfter: new Date(notAfter) } : {}) };
}
