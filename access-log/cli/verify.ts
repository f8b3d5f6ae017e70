import type { ClientBase } from 'pg';
import { loadConfig } from '../../hub/config';
import { databaseUrl, withClient } from '../../platform/database';
import { createLogger } from '../../platform/logger';
import { loadSecrets } from '../../platform/secrets';
import { openHubDatabase, parseFlags } from '../../platform/cli';
import { chainAnchors, chainEvents, chainHeads, chainIds } from '../log';
import { loadAuditSigningKey, type AuditPublicKeys } from '../signing';
import { verifyChains, type VerifyReport } from '../verify';

/**
 * Verifies the whole stored log, one chain at a time (so memory follows the largest chain, not
 * the log): recomputes every link and checks every signed head and anchor. Run it in one snapshot
 * ({@link inSnapshot}) while writers are active, or a head committed between reading a chain's
 * events and its heads would look like a missing event.
 */
export async function verifyAuditLog(client: ClientBase, keys: AuditPublicKeys, only?: readonly string[]): Promise<VerifyReport> {
  const total: VerifyReport = { ok: true, chains: 0, events: 0, signedHeads: 0, anchors: 0, lastSignedHead: null, problems: [] };
  for (const chainId of only ?? (await chainIds(client))) {
    const [rows, heads, anchors] = [await chainEvents(client, chainId), await chainHeads(client, chainId), await chainAnchors(client, chainId)];
    const report = await verifyChains(rows, heads, anchors, keys);
    total.chains += report.chains;
    total.events += report.events;
    total.signedHeads += report.signedHeads;
    total.anchors += report.anchors;
    total.problems.push(...report.problems);
    if (report.lastSignedHead && (!total.lastSignedHead || report.lastSignedHead.signedAt > total.lastSignedHead.signedAt)) total.lastSignedHead = report.lastSignedHead;
  }
  total.ok = total.problems.length === 0;
  return total;
}

/** Runs `work` in one read-only REPEATABLE READ transaction: every query sees the same snapshot. */
export async function inSnapshot<T>(client: ClientBase, work: () => Promise<T>): Promise<T> {
  await client.query('begin isolation level repeatable read read only');
  try {
    return await work();
  } finally {
    await client.query('rollback');
  }
}

/** The report as `npm run audit:verify` prints it: one line on success; the first problem first otherwise. */
export function formatReport(report: VerifyReport): string {
  const head = report.lastSignedHead ? `last signed head: chain ${report.lastSignedHead.chainId} seq ${report.lastSignedHead.seq} at ${report.lastSignedHead.signedAt}` : 'no signed head yet';
  if (report.ok) return `audit:verify ok: ${report.chains} chains, ${report.events} events, ${report.signedHeads} signed heads, ${report.anchors} anchors; ${head}\n`;
  const lines = report.problems.map((p) => `  ${p.kind}: chain ${p.chainId} seq ${p.seq}${p.requestId ? ` request ${p.requestId}` : ''}: ${p.message}`);
  const [first] = report.problems;
  return `audit:verify FAILED: first ${first.kind} event: chain ${first.chainId} seq ${first.seq}${first.requestId ? ` request ${first.requestId}` : ''} (${report.problems.length} problem${report.problems.length === 1 ? '' : 's'})\n${lines.join('\n')}\n`;
}

const USAGE = 'usage: npm run audit:verify [-- --database <name>]\n';

/** `npm run audit:verify`: exit 0 with a one-line summary, or 1 naming the first bad event. */
async function main(): Promise<void> {
  const { flags, problems } = parseFlags(process.argv.slice(2), ['database']);
  if (problems.length) {
    process.stderr.write(`${problems.join('\n')}\n${USAGE}`);
    process.exit(2);
  }
  const config = loadConfig();
  const log = createLogger('warn');
  const secrets = loadSecrets(config.SECRETS_DIR);
  const server = await openHubDatabase(config, secrets, log, flags.database);
  try {
    const key = await loadAuditSigningKey(config.SECRETS_DIR);
    const report = await withClient(databaseUrl(server), (client) => inSnapshot(client, () => verifyAuditLog(client, new Map([[key.kid, key.publicKey]]))));
    (report.ok ? process.stdout : process.stderr).write(formatReport(report));
    process.exitCode = report.ok ? 0 : 1;
  } finally {
    await server.stop();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`audit:verify could not run: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  });
}
