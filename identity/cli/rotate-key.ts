import { parseArgs } from 'node:util';
import { runCli, UsageError } from '../../platform/cli';
import { loadConfig } from '../../hub/config';
import { MIN_ROTATION_OVERLAP_MS, rotateHubInternalKey } from '../gateway-keys';
import { parseTtl } from './token';

const DEFAULT_OVERLAP = '10m';

/** Usage text, printed with `--help` and after argument errors. */
export const USAGE = `Usage: npm run key:rotate -- [--overlap 10m]

Rotates the gateway's internal signing key (subgraph tokens and call proofs) in SECRETS_DIR,
without downtime: a new key signs from now on; the previous one stays accepted by the subgraphs
for the overlap, then is refused. Running processes sharing SECRETS_DIR pick the change up by
themselves (the gateway within 30 s, a subgraph on the first call signed with the new key).
  --overlap  how long the previous key stays accepted: a number and s, m, h or d, at least
             ${MIN_ROTATION_OVERLAP_MS / 60_000}m (tokens signed just before the rotation live 60 s); default ${DEFAULT_OVERLAP}
Prints the previous and new key ids and when the previous one stops being accepted.`;

/** Parses the arguments: the overlap in ms, or a {@link UsageError} naming what is wrong. */
export function parseRotateArgs(argv: readonly string[]): { overlapMs: number } {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], strict: true, allowPositionals: false, options: { overlap: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    throw new UsageError([(error as Error).message]);
  }
  const seconds = parseTtl(values.overlap ?? DEFAULT_OVERLAP);
  if (seconds === null || seconds * 1000 < MIN_ROTATION_OVERLAP_MS) {
    throw new UsageError([`--overlap "${values.overlap}" is not a duration such as 5m, 1h or 1d, from ${MIN_ROTATION_OVERLAP_MS / 60_000}m to 7d`]);
  }
  return { overlapMs: seconds * 1000 };
}

async function main(argv: string[]): Promise<void> {
  const { overlapMs } = parseRotateArgs(argv);
  const config = loadConfig();
  const rotated = await rotateHubInternalKey(config.SECRETS_DIR, overlapMs);
  process.stdout.write(`previous key ${rotated.previous} accepted until ${rotated.acceptedUntil.toISOString()}\nnew key ${rotated.current} signs from now on\n`);
}

runCli(module, 'key:rotate', USAGE, (argv) => main(argv));
