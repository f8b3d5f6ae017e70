import type { DatabaseServer } from '../platform/database';

const TEST_DATABASE = 'frontera_test';

/**
 * Once per run: a fresh `frontera_test` database on the embedded server (or DATABASE_URL's),
 * migrated and seeded exactly as `npm start` does, so tests exercise the real start-up path.
 */
export default async function globalSetup(): Promise<void> {
  // jest copies this process's globals into the test sandboxes of an in-band run: the metadata
  // stores that MikroORM and type-graphql create on import would leak in with foreign-realm Maps
  // and break discovery. So the hub is imported here, after the snapshot, and its globals removed.
  const globalsBefore = new Set(Object.getOwnPropertyNames(globalThis));
  const { databaseUrl, externalDatabase, ident, startEmbeddedDatabase, withClient } = require('../platform/database') as typeof import('../platform/database');
  const { createLogger } = require('../platform/logger') as typeof import('../platform/logger');
  const { prepareDatabase } = require('../hub/runtime') as typeof import('../hub/runtime');
  const { loadSecrets } = require('../platform/secrets') as typeof import('../platform/secrets');
  const { TEST_DATABASE_ENV, testConfig } = require('./database') as typeof import('./database');

  const config = testConfig();
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'warn');
  const secrets = loadSecrets(config.SECRETS_DIR);
  const base: DatabaseServer = config.DATABASE_URL
    ? externalDatabase(config.DATABASE_URL)
    : await startEmbeddedDatabase({ dataDir: config.EMBEDDED_PG_DIR, port: config.EMBEDDED_PG_PORT, database: TEST_DATABASE }, secrets, log);
  const server = { ...base, database: TEST_DATABASE };
  await withClient(databaseUrl(server, undefined, 'postgres'), (client) => client.query(`drop database if exists ${ident(TEST_DATABASE)} with (force)`));
  await prepareDatabase(server, secrets, { seed: true, log });
  const { stop: _stop, ...shared } = server;
  process.env[TEST_DATABASE_ENV] = JSON.stringify(shared);

  for (const key of Object.getOwnPropertyNames(globalThis)) if (!globalsBefore.has(key)) delete (globalThis as Record<string, unknown>)[key];
  (globalThis as { fronteraTestDatabase?: DatabaseServer }).fronteraTestDatabase = base;
}
