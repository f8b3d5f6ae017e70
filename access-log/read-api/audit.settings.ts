import { loadConfig } from '../../platform/config';
import { loadAuditKey } from '../audit-key';

let configured: Buffer | null = null;

/** Sets the key `searchedTerm` hashes with; the hub passes the same key as the gateway's audit writer. */
export function useAuditKey(key: Buffer): void {
  configured = key;
}

/** The audit key: the one set with {@link useAuditKey}, else `audit-key.json` in the configured secrets folder. */
export function auditKey(): Buffer {
  configured ??= loadAuditKey(loadConfig().SECRETS_DIR);
  return configured;
}
