import { Client } from 'pg';
import type { PlatformConfig } from './config';
import { databaseUrl, externalDatabase, startEmbeddedDatabase, type DatabaseServer } from './database';
import type { Logger } from './logger';
import { rolePassword, type HubSecrets } from './secrets';

/** Database `npm start` uses on the embedded server. */
export const HUB_DATABASE = 'frontera';

/**
 * The hub's database for an audit CLI, selected as hub/migration-cli.ts does: `DATABASE_URL`, else
 * the embedded PostgreSQL. An embedded server that is already running (a hub is up) is used as it
 * is and left running; otherwise it is started for the command and stopped by `stop()`.
 */
export async function openHubDatabase(config: PlatformConfig, secrets: HubSecrets, log: Logger, database?: string): Promise<DatabaseServer> {
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
