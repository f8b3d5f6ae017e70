import path from 'node:path';
import { loadConfig, repoRoot } from '../hub/config';
import type { DatabaseServer } from '../hub/database';

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
