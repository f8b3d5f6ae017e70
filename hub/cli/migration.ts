import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCli, UsageError, withHubDatabase } from '../../platform/cli';
import { databaseUrl, ident, provisionDatabase, schemaGrant, withClient } from '../../platform/database';
import { catalog, sourceFolder } from '../catalog';
import { openOrm } from '../../subgraphs/shared/orm';
import { loadConfig } from '../config';

const USAGE = `usage: npm run db:migration -- <subgraph> <short-name>
  subgraphs: ${catalog.map((d) => d.name).join(', ')}
  short-name: lower case letters, digits and dashes`;

/** Applied and diffed here, then dropped: never the hub's own database. */
const SCRATCH_DATABASE = 'frontera_migration_scratch';

/**
 * `npm run db:migration -- <subgraph> <short-name>`: applies the committed migrations to a scratch
 * database, diffs it against the entities and writes the difference as the next migration.
 */
async function main(argv: string[]): Promise<void> {
  const [name, shortName = 'change', ...extra] = argv;
  const definition = catalog.find((d) => d.name === name);
  const problems: string[] = [];
  if (!definition) problems.push(name ? `subgraph "${name}" is not in the catalogue` : '<subgraph> is required');
  if (!/^[a-z][a-z0-9-]*$/.test(shortName)) problems.push(`short-name "${shortName}" is not lower case letters, digits and dashes`);
  if (extra.length) problems.push(`unexpected arguments: ${extra.join(' ')}`);
  if (!definition || problems.length) throw new UsageError(problems);
  await withHubDatabase(loadConfig(), SCRATCH_DATABASE, async ({ secrets, server }) => {
    const scratch = ident(SCRATCH_DATABASE);
    const dropScratch = () => withClient(databaseUrl(server, undefined, 'postgres'), (c) => c.query(`drop database if exists ${scratch} with (force)`));
    try {
      await dropScratch();
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
      await dropScratch().catch(() => undefined);
    }
  });
}

runCli(module, 'db:migration', USAGE, main);
