import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../hub/config';
import { databaseUrl, externalDatabase, ident, provisionDatabase, schemaGrant, startEmbeddedDatabase, withClient } from '../../platform/database';
import { createLogger } from '../../platform/logger';
import { loadSecrets } from '../../platform/secrets';
import { catalog, sourceFolder } from '../catalog';
import { openOrm } from '../../subgraphs/shared/orm';

/**
 * `npm run db:migration -- <subgraph> <short-name>`: applies the committed migrations to a scratch
 * database, diffs it against the entities and writes the difference as the next migration.
 */
async function main(): Promise<void> {
  const [name, shortName = 'change'] = process.argv.slice(2);
  const definition = catalog.find((d) => d.name === name);
  if (!definition || !/^[a-z][a-z0-9-]*$/.test(shortName)) {
    process.stderr.write(`usage: npm run db:migration -- <subgraph> <short-name>\n  subgraphs: ${catalog.map((d) => d.name).join(', ')}\n  short-name: lower case letters, digits and dashes\n`);
    process.exit(2);
  }
  const config = loadConfig();
  const log = createLogger('warn');
  const secrets = loadSecrets(config.SECRETS_DIR);
  const scratch = 'frontera_migration_scratch';
  const base = config.DATABASE_URL
    ? externalDatabase(config.DATABASE_URL)
    : await startEmbeddedDatabase({ dataDir: config.EMBEDDED_PG_DIR, port: config.EMBEDDED_PG_PORT, database: scratch }, secrets, log);
  const server = { ...base, database: scratch };
  try {
    await withClient(databaseUrl(server, undefined, 'postgres'), (c) => c.query(`drop database if exists ${ident(scratch)} with (force)`));
    const grant = schemaGrant(server, secrets, definition.dbSchema);
    await provisionDatabase(server, [grant]);
    const orm = await openOrm(definition, databaseUrl(server, { user: grant.role, password: grant.password }));
    await orm.getMigrator().up();
    const sql = (await orm.schema.getUpdateSchemaSQL({ wrap: false, safe: false })).trim();
    await orm.close();
    if (!sql) {
      process.stdout.write(`${name}: the migrations already match the entities; nothing written\n`);
      return;
    }
    const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
    const className = `Migration${stamp}${shortName.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase())}`;
    const file = `${stamp}-${shortName}`;
    const statements = sql
      .split(/;\n/)
      .map((s) => s.trim().replace(/;$/, ''))
      // The schema is provisioned (and owned) before migrations run; the role cannot create it.
      .filter((s) => s && !/^create schema /i.test(s))
      .map((s) => `    this.addSql(\`${s.replaceAll(`${ident(definition.dbSchema)}.`, '')};\`);`);
    const folder = path.join(sourceFolder(name), 'migrations');
    writeFileSync(
      path.join(folder, `${file}.ts`),
      `import { Migration } from '@mikro-orm/migrations';\n\n/** ${shortName} */\nexport class ${className} extends Migration {\n  override async up(): Promise<void> {\n${statements.join('\n')}\n  }\n}\n`,
    );
    const index = path.join(folder, 'index.ts');
    const source = readFileSync(index, 'utf8')
      .replace(/(import type \{ MigrationList \}[^\n]*\n)/, `$1import { ${className} } from './${file}';\n`)
      .replace(/\n\];\s*$/, `\n  { name: '${file}', class: ${className} },\n];\n`);
    writeFileSync(index, source);
    process.stdout.write(`${name}: wrote migrations/${file}.ts (${statements.length} statements); review it, then commit\n`);
  } finally {
    await withClient(databaseUrl(server, undefined, 'postgres'), (c) => c.query(`drop database if exists ${ident(scratch)} with (force)`)).catch(() => undefined);
    await base.stop();
  }
}

void main();
