import path from 'node:path';
import { z } from 'zod';
import { flag, platformSettings, repoRoot } from '../platform/config';
import { LOG_LEVELS } from './protocol';

/** Ids of the benchmark's scenarios, in the order they run. */
export const SCENARIO_IDS = ['one-subgraph', 'join', 'screen'];

const seconds = (min: number, max: number) => z.coerce.number().min(min).max(max);
const port = z.coerce.number().int().min(1024).max(65535);

const schema = z.object({
  /** Measured seconds of one target in one round (default 5). */
  BENCH_SECONDS: seconds(1, 120).default(5),
  /** Interleaved rounds per scenario (default 3). */
  BENCH_ROUNDS: z.coerce.number().int().min(1).max(20).default(3),
  /** Unmeasured seconds per target and scenario before the rounds, to fill plan caches and pools (default 1). */
  BENCH_WARMUP_SECONDS: seconds(0, 60).default(1),
  /**
   * How the stack under test runs (default `single`): `single`, everything in one process, as
   * `npm start` runs the hub; `split`, the subgraphs in one process and the gateways in another
   * (HUB_SERVICES), as a two-core deployment would. Both gateways share the processes either way.
   */
  BENCH_TOPOLOGY: z.enum(['single', 'split']).default('single'),
  /** Concurrent keep-alive connections of the load generator (default 32). */
  BENCH_CONNECTIONS: z.coerce.number().int().min(1).max(1000).default(32),
  /** Also profile the child process (inspector CPU profile) during extra, unreported join runs of the hub and the bare gateway. */
  BENCH_PROFILE: flag(false),
  /** Log level of the stack under test (default `info`, as in production; lines go to a file, not to the terminal). */
  BENCH_LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /** Scenarios to run, comma-separated ids (default all: `one-subgraph,join,screen`); for quick iterations on one. */
  BENCH_SCENARIOS: z
    .string()
    .default('one-subgraph,join,screen')
    .transform((value) => value.split(',').map((id) => id.trim()).filter(Boolean))
    .refine((ids) => ids.length > 0 && ids.every((id) => SCENARIO_IDS.includes(id)), `must be a comma-separated list of ${SCENARIO_IDS.join(', ')}`),
  /** PostgreSQL server to use instead of the embedded one; the benchmark uses its own `frontera_bench` database there. */
  DATABASE_URL: platformSettings.DATABASE_URL,
  /** Port of the benchmark's embedded PostgreSQL (its own, so a running hub or test run is never touched). */
  BENCH_PG_PORT: port.refine((p) => p !== 5432, 'must not be 5432').default(54349),
  /** Data directory of the benchmark's embedded PostgreSQL. */
  BENCH_PG_DIR: z.string().min(1).default(path.join(repoRoot, '.frontera', 'pgdata-bench')),
  /** Secrets folder shared with the hub (role passwords, issuer and internal keys). */
  SECRETS_DIR: z.string().min(1).default(path.join(repoRoot, '.frontera', 'secrets')),
});

/** The benchmark's settings, read once from the environment. */
export type BenchConfig = z.infer<typeof schema>;

/**
 * The benchmark's one reader of `process.env`: validates every variable it knows and, when any is
 * wrong, prints them all with what each accepts and exits 1 before anything is started.
 */
export function loadBenchConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  - ${issue.path.join('.')}: ${issue.message}`);
  process.stderr.write(`Invalid benchmark configuration:\n${problems.join('\n')}\nNothing was started.\n`);
  process.exit(1);
}

/** Name of the benchmark's database, on the embedded server or on DATABASE_URL's. */
export const BENCH_DATABASE = 'frontera_bench';
