import { loadAuditKey } from '../access-log/audit-key';
import { loadAuditSigningKey } from '../access-log/signing';
import { loadOrCreateHubInternalKey } from '../identity/gateway-keys';
import { loadOrCreateLocalIssuer } from '../identity/local-issuer';
import { loadSecrets, type HubSecrets } from '../platform/secrets';
import { loadNotificationKey } from '../subgraphs/operations/notifications/signature';

/**
 * Creates every key file the hub generates at its first start that is missing from `dir` (each
 * loader keeps an existing file): the database roles' and screening key, the audit keys, the
 * gateway's signing key, the notification key, and the demo issuer's with `localIssuer`. The one
 * list, for `secrets:init` and the supervisor (which makes them before any child reads the folder).
 */
export async function ensureKeyFiles(dir: string, options: { localIssuer: boolean }): Promise<HubSecrets> {
  const secrets = loadSecrets(dir);
  loadAuditKey(dir);
  await loadAuditSigningKey(dir);
  await loadOrCreateHubInternalKey(dir);
  await loadNotificationKey(dir);
  if (options.localIssuer) await loadOrCreateLocalIssuer(dir);
  return secrets;
}
