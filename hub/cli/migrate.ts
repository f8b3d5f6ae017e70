import 'reflect-metadata';
import { runCli, UsageError, withHubDatabase } from '../../platform/cli';
import { createLogger } from '../../platform/logger';
import pino from 'pino';
import { loadConfig } from '../config';
import { prepareDatabase, subgraphsRunHere } from '../runtime';

export const USAGE = `Usage: npm run db:migrate

Provisions the database (schemas, roles), applies the committed migrations of every subgraph
HUB_SERVICES names (all by default) and, with SEED=true, loads the demo data; then exits. What
every start does before serving, as a step of its own: a deployment runs it once per release
(the Kubernetes migration Job) before the services roll. Idempotent.
(\`npm run db:migration\` is another command: it writes a new migration file.)`;

async function main(argv: string[]): Promise<void> {
  if (argv.length) throw new UsageError([`unexpected arguments: ${argv.join(' ')}`]);
  const config = loadConfig();
  // Logs on stderr, as every CLI's: stdout is the one-line answer.
  const log = createLogger(config.LOG_LEVEL, 'frontera', pino.destination(2));
  const definitions = subgraphsRunHere(config);
  await withHubDatabase(config, undefined, ({ server, secrets }) => prepareDatabase(server, secrets, { seed: config.SEED, log, definitions }));
  process.stdout.write(`migrated: ${definitions.map((d) => d.name).join(', ')}${config.SEED ? ' (demo data loaded)' : ''}\n`);
}

runCli(module, 'db:migrate', USAGE, (argv) => main(argv));
