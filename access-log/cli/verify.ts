import { existsSync } from 'node:fs';
import { databaseUrl, withClient } from '../../platform/database';
import { EXIT, parseFlags, runCli, UsageError, withHubDatabase } from '../../platform/cli';
import { inSnapshot } from '../log';
import { loadAuditSigningKey } from '../signing';
import { formatReport, verifyAuditLog } from '../verify';
import { readWitness, witnessDir } from '../witness';
import { loadConfig } from '../../hub/config';

const USAGE = 'usage: npm run audit:verify [-- --database <name>] [--witness <folder>|off]';

/**
 * `npm run audit:verify`: exit 0 with a one-line summary on stdout (and a line per crashed or open
 * chain), or 1 naming the first bad event on stderr. The witness (AUDIT_WITNESS_DIR, or `--witness`)
 * is checked when it exists: every head in it must still be in the store, with its event.
 */
async function main(argv: string[]): Promise<number> {
  const { flags, problems } = parseFlags(argv, ['database', 'witness']);
  if (problems.length) throw new UsageError(problems);
  const config = loadConfig();
  return withHubDatabase(config, flags.database, async ({ server }) => {
    const key = await loadAuditSigningKey(config.SECRETS_DIR);
    const root = flags.witness ?? config.AUDIT_WITNESS_DIR;
    const folder = root === 'off' ? null : witnessDir(root, server);
    if (flags.witness && folder && !existsSync(folder)) throw new UsageError([`--witness: no witness for database ${server.database} in ${root} (expected the folder ${folder})`]);
    const witness = folder && existsSync(folder) ? readWitness(folder) : undefined;
    if (!witness && folder) {
      // In production the witness is part of the promise: without it, a deleted tail goes unnoticed.
      if (config.NODE_ENV === 'production') throw new UsageError([`no witness for database ${server.database} in ${root}: in production audit:verify needs it (--witness <folder>, or --witness off to check without it)`]);
      process.stderr.write(`audit:verify: no witness checked (${folder} does not exist): a deleted tail or newest chain would go unnoticed\n`);
    }
    const report = await withClient(databaseUrl(server), (client) => inSnapshot(client, () => verifyAuditLog(client, new Map([[key.kid, key.publicKey]]), undefined, { witness })));
    (report.ok ? process.stdout : process.stderr).write(formatReport(report));
    return report.ok ? EXIT.ok : EXIT.failed;
  });
}

runCli(module, 'audit:verify', USAGE, main);
