import { databaseUrl, withClient } from '../../platform/database';
import { EXIT, parseFlags, runCli, UsageError, withHubDatabase } from '../../platform/cli';
import { isUuid } from '../../subgraphs/shared/loaders';
import { NotificationState } from '../../subgraphs/operations/notifications/notification-state';
import { redeliver, type RedeliverySelection } from '../../subgraphs/operations/notifications/redelivery';
import { loadConfig } from '../config';

export const USAGE = `Usage: npm run notifications:redeliver -- (--id <notification id> | --state DEAD|NO_ENDPOINT|DELIVERED) [--organisation <code>] [--database <name>]

Sends hit notifications again, each with a fresh set of tries and its idempotency key unchanged
(a receiver that has it already ignores it): one by id, or every one in a state, e.g. the dead
letters of one organisation once its endpoint is fixed. A PENDING one is never touched. The
running hub (any process running the operations subgraph) sends them at once.
Prints one line per notification: id, organisation, previous state, tries, last error.
Exits 1 when nothing matched.`;

const REDELIVERABLE = [NotificationState.DEAD, NotificationState.NO_ENDPOINT, NotificationState.DELIVERED] as const;

/** Parses the arguments into what to redeliver, or a {@link UsageError} naming every problem. */
export function parseRedeliverArgs(argv: string[]): { selection: RedeliverySelection; database?: string } {
  const { flags, problems } = parseFlags(argv, ['id', 'state', 'organisation', 'database']);
  if (flags.id !== undefined && flags.state !== undefined) problems.push('give --id or --state, not both');
  if (flags.id === undefined && flags.state === undefined && !problems.length) problems.push('--id or --state is required');
  if (flags.id !== undefined && !isUuid(flags.id)) problems.push(`--id ${flags.id} is not a notification id (a UUID)`);
  if (flags.state !== undefined && !(REDELIVERABLE as readonly string[]).includes(flags.state)) problems.push(`--state ${flags.state} is not one of ${REDELIVERABLE.join(', ')}`);
  if (problems.length) throw new UsageError(problems);
  const organisation = flags.organisation ? { organisation: flags.organisation } : {};
  const selection: RedeliverySelection = flags.id !== undefined ? { id: flags.id, ...organisation } : { state: flags.state as (typeof REDELIVERABLE)[number], ...organisation };
  return { selection, ...(flags.database ? { database: flags.database } : {}) };
}

async function main(argv: string[]): Promise<number> {
  const { selection, database } = parseRedeliverArgs(argv);
  const config = loadConfig();
  return withHubDatabase(config, database, async ({ server }) => {
    const done = await withClient(databaseUrl(server), (client) => redeliver(client, selection));
    for (const n of done) process.stdout.write(`${n.id} ${n.organisation} ${n.previousState} ${n.attempts} ${n.lastError ?? '-'}\n`);
    if (!done.length) {
      process.stderr.write('notifications:redeliver: no notification matched (a PENDING one is already being tried)\n');
      return EXIT.failed;
    }
    process.stderr.write(`notifications:redeliver: ${done.length} notification${done.length === 1 ? '' : 's'} due again\n`);
    return EXIT.ok;
  });
}

runCli(module, 'notifications:redeliver', USAGE, main);
