import { databaseUrl, ident, upsertLoginRole, withClient, withProvisioningLock, type DatabaseServer } from '../platform/database';
import { rolePassword, type HubSecrets } from '../platform/secrets';

/** PostgreSQL schema of the audit store (owned by the audit subgraph's role, created by its migrations). */
export const AUDIT_SCHEMA = 'audit';

/** The gateway's login to the audit store. */
export interface AuditWriterLogin {
  role: string;
  password: string;
  /** URL to hand to `createAuditWriter`. */
  connectionString: string;
}

/** `<database>_audit_writer`: prefixed like every hub role, so test and dev databases never share one. */
export function auditWriterRole(server: DatabaseServer): string {
  return `${server.database}_audit_writer`.replace(/[^a-z0-9_]/g, '_').slice(0, 63);
}

/** The writer's login without touching the database (e.g. for a gateway running apart from provisioning). */
export function auditWriterLogin(server: DatabaseServer, secrets: HubSecrets): AuditWriterLogin {
  const role = auditWriterRole(server);
  const password = rolePassword(secrets, role);
  return { role, password, connectionString: databaseUrl(server, { user: role, password }) };
}

/**
 * Creates (or updates) the gateway's audit writer role and grants it exactly what group commit
 * needs: USAGE on the audit schema, INSERT on the events and chain heads, EXECUTE on the
 * function that opens monthly partitions and on `writer_tail` (where its own last chain ended). No SELECT, UPDATE, DELETE or TRUNCATE: the gateway can
 * add to the log and never read or change it. Also opens this month's and next month's partitions.
 *
 * Runs as the admin after the audit subgraph's migrations (`prepareDatabase`); idempotent.
 */
export async function provisionAuditWriter(server: DatabaseServer, secrets: HubSecrets): Promise<AuditWriterLogin> {
  const login = auditWriterLogin(server, secrets);
  const role = ident(login.role);
  const schema = ident(AUDIT_SCHEMA);
  await withClient(databaseUrl(server), (client) =>
    withProvisioningLock(client, async () => {
      const migrated = await client.query(`select to_regclass($1) as events, to_regprocedure($2) as ensure, to_regprocedure($3) as tail`, [
        `${AUDIT_SCHEMA}.access_event`,
        `${AUDIT_SCHEMA}.ensure_event_partitions(timestamptz)`,
        `${AUDIT_SCHEMA}.writer_tail(text)`,
      ]);
      if (!migrated.rows[0].events || !migrated.rows[0].ensure || !migrated.rows[0].tail) {
        throw new Error(`the audit store is not migrated (no ${AUDIT_SCHEMA}.access_event): run prepareDatabase before provisionAuditWriter`);
      }
      // noinherit: the writer holds exactly the grants below, even if someone grants it a role.
      await upsertLoginRole(client, login.role, login.password, { inherit: false });
      await client.query(`revoke all on all tables in schema ${schema} from ${role}`);
      await client.query(`revoke all on all functions in schema ${schema} from ${role}`);
      await client.query(`grant usage on schema ${schema} to ${role}`);
      await client.query(`grant insert on ${schema}.access_event, ${schema}.chain_head to ${role}`);
      await client.query(`grant execute on function ${schema}.ensure_event_partitions(timestamptz), ${schema}.writer_tail(text) to ${role}`);
      await client.query(`select ${schema}.ensure_event_partitions(now())`);
    }),
  );
  return login;
}
