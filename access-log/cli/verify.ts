import { databaseUrl, withClient } from '../../platform/database';
import { EXIT, parseFlags, runCli, UsageError, withHubDatabase } from '../../platform/cli';
import { inSnapshot } from '../log';
import { loadAuditSigningKey } from '../signing';
import { formatReport, verifyAuditLog } from '../verify';
import { loadConfig } from '../../hub/config';

const USAGE = 'usage: npm run audit:verify [-- --database <name>]';

/** `npm run audit:verify`: exit 0 with a one-line summary on stdout, or 1 naming the first bad event on stderr. */
async function main(argv: string[]): Promise<number> {
  const { flags, problems } = parseFlags(argv, ['database']);
  if (problems.length) throw new UsageError(problems);
  const config = loadConfig();
  return withHubDatabase(config, flags.database, async ({ server }) => {
    const key = await loadAuditSigningKey(config.SECRETS_DIR);
    const report = await withClient(databaseUrl(server), (client) => inSnapshot(client, () => verifyAuditLog(client, new Map([[key.kid, key.publicKey]]))));
    (report.ok ? process.stdout : process.stderr).write(formatReport(report));
    return report.ok ? EXIT.ok : EXIT.failed;
  });
}

runCli(module, 'audit:verify', USAGE, main);
