import { open } from 'node:fs/promises';
import { loadConfig } from '../../platform/config';
import { databaseUrl, withClient } from '../../platform/database';
import pino from 'pino';
import { loadSecrets } from '../../platform/secrets';
import { isoFlag, openHubDatabase, parseFlags } from '../../platform/cli';
import { exportEvents, type ExportFormat } from '../export';

const USAGE = 'usage: npm run -s audit:export -- [--from <ISO date-time>] [--to <ISO date-time>] [--format jsonl|csv] [--out <file>] [--database <name>]\n';

/**
 * `npm run -s audit:export -- --from ... --to ... --format jsonl|csv`: events to stdout (`-s`, or
 * npm's banner lands in the stream too), or to `--out <file>` (created with mode 600).
 */
async function main(): Promise<void> {
  const { flags, problems } = parseFlags(process.argv.slice(2), ['from', 'to', 'format', 'out', 'database']);
  const from = isoFlag(flags, 'from', problems);
  const to = isoFlag(flags, 'to', problems);
  const format = (flags.format ?? 'jsonl') as ExportFormat;
  if (format !== 'jsonl' && format !== 'csv') problems.push(`--format ${flags.format} is not accepted: use jsonl or csv`);
  if (from && to && to <= from) problems.push('--to must be after --from');
  if (problems.length) {
    process.stderr.write(`${problems.join('\n')}\n${USAGE}`);
    process.exit(2);
  }
  const config = loadConfig();
  // Logs go to stderr: stdout is the export.
  const log = pino({ level: 'warn' }, pino.destination(2));
  const secrets = loadSecrets(config.SECRETS_DIR);
  const server = await openHubDatabase(config, secrets, log, flags.database);
  try {
    // `wx`: an export never overwrites an existing file.
    const out = flags.out ? (await open(flags.out, 'wx', 0o600)).createWriteStream() : process.stdout;
    const count = await withClient(databaseUrl(server), (client) => exportEvents(client, { from, to, format }, out));
    if (out !== process.stdout) await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    process.stderr.write(`audit:export: ${count} events${flags.out ? ` written to ${flags.out}` : ''}\n`);
  } finally {
    await server.stop();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`audit:export could not run: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  });
}
