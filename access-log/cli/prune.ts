import { databaseUrl, withClient } from '../../platform/database';
import { EXIT, isoFlag, parseFlags, runCli, UsageError, withHubDatabase } from '../../platform/cli';
import { pruneBefore, PruneRefusedError } from '../retention';
import { loadAuditSigningKey } from '../signing';
import { loadConfig } from '../../hub/config';

const USAGE = 'usage: npm run audit:prune -- --before <ISO date> [--database <name>]';

/** `npm run audit:prune -- --before 2026-01-01`: drops whole months before the date. */
async function main(argv: string[]): Promise<number> {
  const { flags, problems } = parseFlags(argv, ['before', 'database']);
  const before = isoFlag(flags, 'before', problems);
  if (!before && !problems.length) problems.push('--before is required');
  if (problems.length || !before) throw new UsageError(problems);
  const config = loadConfig();
  return withHubDatabase(config, flags.database, async ({ server }) => {
    const key = await loadAuditSigningKey(config.SECRETS_DIR);
    try {
      const result = await withClient(databaseUrl(server), (client) => pruneBefore(client, before, key, new Map([[key.kid, key.publicKey]])));
      process.stdout.write(`audit:prune: dropped ${result.dropped.length ? result.dropped.join(', ') : 'nothing'}; ${result.anchors.length} chains anchored\n`);
      return EXIT.ok;
    } catch (error) {
      if (!(error instanceof PruneRefusedError)) throw error;
      process.stderr.write(`audit:prune FAILED: ${error.message}\n`);
      return EXIT.failed;
    }
  });
}

runCli(module, 'audit:prune', USAGE, main);
