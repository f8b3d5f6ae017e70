import path from 'node:path';
import { loadConfig } from '../hub/config';
import { repoRoot } from '../platform/config';
import type { DatabaseServer } from '../platform/database';

/** Where the test database is; set by global-setup, read by every test worker. */
export const TEST_DATABASE_ENV = 'FRONTERA_TEST_DATABASE';

/**
 * Test configuration: embedded PostgreSQL in its own folder and port (so tests never touch a
 * running hub's data), or the server in DATABASE_URL with a dedicated database.
 */
export function testConfig(overrides: Record<string, string> = {}) {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    EMBEDDED_PG_DIR: path.join(repoRoot, '.frontera', 'pgdata-test'),
    EMBEDDED_PG_PORT: '54339',
    AUDIT_WITNESS_DIR: path.join(repoRoot, '.frontera', 'audit-witness-test'),
    ...process.env,
    SEED: 'true',
    ...overrides,
  });
}

/** The database global-setup prepared (no `stop`: global-teardown owns the server). */
export function testDatabase(): DatabaseServer {
  const raw = process.env[TEST_DATABASE_ENV];
  if (!raw) throw new Error('test database not prepared: run tests through jest (global-setup.ts)');
  return { ...(JSON.parse(raw) as Omit<DatabaseServer, 'stop'>), stop: async () => undefined };
}

/**
 * A database of its own on the test server, migrated (and seeded when asked) like the shared one,
 * for suites that break things on purpose (revoked grants, locked or tampered audit tables) and
 * must not disturb the suites running beside them. Its roles are its own too.
 */
export async function scratchDatabase(name: string, options: { seed?: boolean } = {}): Promise<DatabaseServer> {
  const { ident, databaseUrl, withClient } = require('../platform/database') as typeof import('../platform/database');
  const { prepareDatabase } = require('../hub/runtime') as typeof import('../hub/runtime');
  const { loadSecrets } = require('../platform/secrets') as typeof import('../platform/secrets');
  const { createLogger } = require('../platform/logger') as typeof import('../platform/logger');
  const config = testConfig();
  const server = { ...testDatabase(), database: `frontera_test_${name}` };
  await withClient(databaseUrl(server, undefined, 'postgres'), (c) => c.query(`drop database if exists ${ident(server.database)} with (force)`));
  await prepareDatabase(server, loadSecrets(config.SECRETS_DIR), { seed: options.seed ?? false, log: createLogger('warn') });
  return server;
}
