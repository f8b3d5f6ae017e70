import { open } from 'node:fs/promises';
import { databaseUrl, withClient } from '../../platform/database';
import { isoFlag, parseFlags, runCli, UsageError, withHubDatabase } from '../../platform/cli';
import { exportEvents, type ExportFormat } from '../export';
import { loadConfig } from '../../hub/config';

const USAGE = 'usage: npm run -s audit:export -- [--from <ISO date-time>] [--to <ISO date-time>] [--format jsonl|csv] [--out <file>] [--database <name>]';

/**
 * `npm run -s audit:export -- --from ... --to ... --format jsonl|csv`: events to stdout (`-s`, or
 * npm's banner lands in the stream too), or to `--out <file>` (created with mode 600).
 */
async function main(argv: string[]): Promise<void> {
  const { flags, problems } = parseFlags(argv, ['from', 'to', 'format', 'out', 'database']);
  const from = isoFlag(flags, 'from', problems);
  const to = isoFlag(flags, 'to', problems);
  const format = (flags.format ?? 'jsonl') as ExportFormat;
  if (format !== 'jsonl' && format !== 'csv') problems.push(`--format ${flags.format} is not accepted: use jsonl or csv`);
  if (from && to && to <= from) problems.push('--to must be after --from');
  if (problems.length) throw new UsageError(problems);
  await withHubDatabase(loadConfig(), flags.database, async ({ server }) => {
    // `wx`: an export never overwrites an existing file.
    const out = flags.out ? (await open(flags.out, 'wx', 0o600)).createWriteStream() : process.stdout;
    const count = await withClient(databaseUrl(server), (client) => exportEvents(client, { from, to, format }, out));
    if (out !== process.stdout) await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    process.stderr.write(`audit:export: ${count} events${flags.out ? ` written to ${flags.out}` : ''}\n`);
  });
}

runCli(module, 'audit:export', USAGE, main);
