import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { prepareDatabase } from '../hub/runtime';
import { repoRoot } from '../platform/config';
import { databaseUrl, ident, withClient, type DatabaseServer } from '../platform/database';
import { createLogger } from '../platform/logger';
import { loadSecrets } from '../platform/secrets';
import { testConfig, testDatabase } from './database';

// The hub on a managed PostgreSQL, as the Kubernetes manifests deploy it: not as a superuser but
// as the database's owner, given exactly what CloudNativePG's bootstrap in
// deploy/kubernetes/base/database.yaml gives it. Every start provisions (roles, schemas, grants)
// and migrates, so a second start must work as well as the first.

const DATABASE = 'frontera_test_managed';
const OWNER = `${DATABASE}_owner`;
const OWNER_PASSWORD = 'managed-owner-password';

/** The bootstrap statements of the Cluster, for its owner `frontera`, applied to our owner instead. */
function bootstrapStatements(): string[] {
  const cluster = parse(readFileSync(path.join(repoRoot, 'deploy', 'kubernetes', 'base', 'database.yaml'), 'utf8')) as {
    spec: { bootstrap: { initdb: { owner: string; postInitApplicationSQL: string[] } } };
  };
  const { owner, postInitApplicationSQL } = cluster.spec.bootstrap.initdb;
  return postInitApplicationSQL.map((statement) => statement.replace(new RegExp(`\\bROLE ${owner}\\b`, 'g'), `ROLE ${ident(OWNER)}`));
}

describe('provisioning as a managed database’s owner (CloudNativePG)', () => {
  const admin = testDatabase();
  const config = testConfig();
  const secrets = loadSecrets(config.SECRETS_DIR);
  const owner: DatabaseServer = { ...admin, database: DATABASE, adminUser: OWNER, adminPassword: OWNER_PASSWORD };

  /** The database and every role of an earlier run: the roles the owner created go with it. */
  async function dropAll(): Promise<void> {
    await withClient(databaseUrl(admin, undefined, 'postgres'), async (client) => {
      await client.query(`drop database if exists ${ident(DATABASE)} with (force)`);
      const { rows } = await client.query<{ rolname: string }>(`select rolname from pg_roles where rolname like $1`, [`${DATABASE}\\_%`]);
      // The owner last: it administers the others.
      const names = rows.map((r) => r.rolname);
      for (const role of [...names.filter((n) => n !== OWNER), ...names.filter((n) => n === OWNER)]) await client.query(`drop role ${ident(role)}`);
    });
  }

  beforeAll(async () => {
    await dropAll();
    await withClient(databaseUrl(admin, undefined, 'postgres'), async (client) => {
      // What CloudNativePG's initdb makes: a login owner (no superuser), owning the application database.
      await client.query(`create role ${ident(OWNER)} login nosuperuser nocreatedb password '${OWNER_PASSWORD}'`);
      await client.query(`create database ${ident(DATABASE)} owner ${ident(OWNER)}`);
    });
    // postInitApplicationSQL runs as a superuser in the application database.
    await withClient(databaseUrl({ ...admin, database: DATABASE }), async (client) => {
      for (const statement of bootstrapStatements()) await client.query(statement);
    });
  });
  afterAll(dropAll);

  it('provisions and migrates every subgraph, and does it again at the next start', async () => {
    const log = createLogger('silent');
    await prepareDatabase(owner, secrets, { seed: false, log });
    // The second start: every role exists already, created by the owner (PostgreSQL 16+ refused
    // NOSUPERUSER/NOCREATEDB in `alter role` from an owner without those attributes).
    await prepareDatabase(owner, secrets, { seed: false, log });

    const roles = await withClient(databaseUrl(admin, undefined, 'postgres'), (client) =>
      client.query<{ rolname: string; rolsuper: boolean; rolcreatedb: boolean; rolcreaterole: boolean }>(
        `select rolname, rolsuper, rolcreatedb, rolcreaterole from pg_roles where rolname like $1 and rolname <> $2 order by rolname`,
        [`${DATABASE}\\_%`, OWNER],
      ),
    );
    // One login role per subgraph's schema and the access log's writer, none privileged.
    expect(roles.rows.map((r) => r.rolname)).toContain(`${DATABASE}_audit_writer`);
    expect(roles.rows.map((r) => r.rolname)).toContain(`${DATABASE}_operations`);
    expect(roles.rows.filter((r) => r.rolsuper || r.rolcreatedb || r.rolcreaterole)).toEqual([]);
    // And the owner is still no superuser: nothing above needed one.
    const ownerRole = await withClient(databaseUrl(admin, undefined, 'postgres'), (client) => client.query('select rolsuper from pg_roles where rolname = $1', [OWNER]));
    expect(ownerRole.rows).toEqual([{ rolsuper: false }]);
  });
});
