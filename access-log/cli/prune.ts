import { loadConfig } from '../../platform/config';
import { databaseUrl, withClient } from '../../platform/database';
import { createLogger } from '../../platform/logger';
import { loadSecrets } from '../../platform/secrets';
import { isoFlag, openHubDatabase, parseFlags } from '../../platform/cli';
import { pruneBefore } from '../retention';
import { loadAuditSigningKey } from '../signing';

const USAGE = 'usage: npm run audit:prune -- --before <ISO date> [--database <name>]\n';

/** `npm run audit:prune -- --before 2026-01-01`: drops whole months before the date. */
async function main(): Promise<void> {
  const { flags, problems } = parseFlags(process.argv.slice(2), ['before', 'database']);
  const before = isoFlag(flags, 'before', problems);
  if (!before && !problems.length) problems.push('--before is required');
  if (problems.length || !before) {
    process.stderr.write(`${problems.join('\n')}\n${USAGE}`);
    process.exit(2);
  }
  const config = loadConfig();
  const log = createLogger('warn');
  const secrets = loadSecrets(config.SECRETS_DIR);
  const server = await openHubDatabase(config, secrets, log, flags.database);
  try {
    const key = await loadAuditSigningKey(config.SECRETS_DIR);
    const result = await withClient(databaseUrl(server), (client) => pruneBefore(client, before, key, new Map([[key.kid, key.publicKey]])));
    process.stdout.write(`audit:prune: dropped ${result.dropped.length ? result.dropped.join(', ') : 'nothing'}; ${result.anchors.length} chains anchored\n`);
  } finally {
    await server.stop();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`audit:prune failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
