import { randomBytes, randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** File of the audit key inside the secrets folder. */
export const AUDIT_KEY_FILE = 'audit-key.json';

function readKey(file: string): Buffer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw error;
    throw new Error(`${file} is not valid JSON; restore it from backup (a new key would make earlier variable hashes unsearchable)`);
  }
  const key = typeof (parsed as { key?: unknown })?.key === 'string' ? Buffer.from((parsed as { key: string }).key, 'base64url') : Buffer.alloc(0);
  if (key.length < 32) throw new Error(`${file} must hold {"key": "<at least 32 random bytes, base64url>"}; restore it from backup`);
  return key;
}

/**
 * The key that hashes request variables in the audit log (HMAC-SHA256), read from
 * `audit-key.json` in `secretsDir`, created there (mode 600) with 32 random bytes on first use.
 * Losing it does not break the chain, but earlier variable hashes can no longer be searched.
 */
export function loadAuditKey(secretsDir: string): Buffer {
  const file = path.join(secretsDir, AUDIT_KEY_FILE);
  try {
    return readKey(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(secretsDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  // Written in full under a temporary name, then linked into place (`link` fails if the file
  // exists): two processes starting together keep the first key and never read half a file.
  const temporary = `${file}.${randomUUID()}.tmp`;
  writeFileSync(temporary, JSON.stringify({ key: key.toString('base64url') }, null, 2), { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temporary, file);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return readKey(file);
  } finally {
    rmSync(temporary, { force: true });
  }
}
