import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Test helpers that build tokens by hand, the way an attacker would, without going through jose. */

/** Seconds since the epoch, as JWT claims count time. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** base64url of a JSON value. */
export function encodePart(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** A compact JWT with the given header and payload and a raw signature part (empty by default). */
export function forgeToken(header: unknown, payload: unknown, signature = ''): string {
  return `${encodePart(header)}.${encodePart(payload)}.${signature}`;
}

/** An HS256 token keyed with `secret`, e.g. the bytes of a public key, as in the key-confusion attack. */
export function forgeHs256(header: Record<string, unknown>, payload: unknown, secret: string | Buffer): string {
  const signingInput = `${encodePart({ ...header, alg: 'HS256' })}.${encodePart(payload)}`;
  return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
}

/** `token` with its payload replaced by `change(payload)` and the original signature kept. */
export function tamperPayload(token: string, change: (payload: Record<string, unknown>) => Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  return `${header}.${encodePart(change(claims))}.${signature}`;
}

/** The decoded payload of a compact JWT (no verification). */
export function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** A fresh temporary folder, and a function that removes it. */
export function temporaryDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'frontera-identity-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
