import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';

/** Local secrets generated on first start and kept outside git (`SECRETS_DIR`). */
export interface HubSecrets {
  /** Derives each database role's password, so none is stored in clear. */
  databaseKey: string;
  /** Keys the hash that stands for a screened document number (a Check never stores the number). */
  screeningKey: string;
}

/** Reads the secrets file, creating it (mode 600) with fresh random keys when absent. */
export function loadSecrets(dir: string): HubSecrets {
  const file = path.join(dir, 'hub-secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as HubSecrets;
  mkdirSync(path.dirname(dir), { recursive: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const secrets: HubSecrets = {
    databaseKey: randomBytes(32).toString('base64url'),
    screeningKey: randomBytes(32).toString('base64url'),
  };
  // `wx` so that two processes starting together cannot overwrite each other's keys.
  try {
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return JSON.parse(readFileSync(file, 'utf8')) as HubSecrets;
  }
  return secrets;
}

/** A stable password for a database role, derived from the hub's key. */
export function rolePassword(secrets: HubSecrets, role: string): string {
  return createHmac('sha256', secrets.databaseKey).update(`role:${role}`).digest('base64url');
}

/** HMAC-SHA256 (hex) of `value` under one of the hub's keys. */
export function keyedHash(key: string | Buffer, value: string): string {
  return createHmac('sha256', key).update(value).digest('hex');
}
