import { loadConfig } from '../../hub/config';
import { loadAuditKey } from '../../gateway/audit/audit-key';

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
