import { loadConfig } from '../../platform/config';
import { databaseUrl, withClient } from '../../platform/database';
import { createLogger } from '../../platform/logger';
import { loadSecrets } from '../../platform/secrets';
import { openHubDatabase, parseFlags } from '../../platform/cli';
import { inSnapshot } from '../log';
import { loadAuditSigningKey } from '../signing';
import { formatReport, verifyAuditLog } from '../verify';

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
