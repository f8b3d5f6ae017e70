import path from 'node:path';
import { z } from 'zod';
import { flag, platformSettings, repoRoot } from '../platform/config';
import { LOG_LEVELS } from './protocol';

/** Ids of the benchmark's scenarios, in the order they run. */
export const SCENARIO_IDS = ['one-subgraph', 'join', 'screen'];

const seconds = (min: number, max: number) => z.coerce.number().min(min).max(max);
const port = z.coerce.number().int().min(1024).max(65535);

const schema = z.object({
  /** A short run to try the bench out (1 round × 3 s, 0.5 s warm-up, 5 s soaks): every table, indicative figures only. */
  BENCH_QUICK: flag(false),
  /** Measured seconds of one target in one round (default 5; 3 with BENCH_QUICK). */
  BENCH_SECONDS: seconds(1, 120).optional(),
  /** Interleaved rounds per scenario (default 3; 1 with BENCH_QUICK). */
  BENCH_ROUNDS: z.coerce.number().int().min(1).max(20).optional(),
  /** Unmeasured seconds per target and scenario before the rounds, to fill plan caches and pools (default 1; 0.5 with BENCH_QUICK). */
  BENCH_WARMUP_SECONDS: seconds(0, 60).optional(),
  /** Length of each of the two soaks of the hub after which resident memory is read, in ms (default 60000; 5000 with BENCH_QUICK). */
  BENCH_SOAK_MS: z.coerce.number().int().min(0).max(600_000).optional(),
  /**
   * A commit (any git revision) to race the current tree against: checked out in a worktree under
   * .frontera/bench-baseline, compiled, and started as a stack of its own on the same database.
   */
  BENCH_BASELINE: z.string().regex(/^[\w./~^@{}-]{1,100}$/, 'a git revision (commit id, branch, tag)').optional(),
  /** Also measure the split layouts (subgraphs in one process, the gateway in one or two; default true). */
  BENCH_LAYOUTS: flag(true),
  /** Concurrent keep-alive connections of the load generator (default 32). */
  BENCH_CONNECTIONS: z.coerce.number().int().min(1).max(1000).default(32),
  /** Also profile the one-process stack (inspector CPU profile) during extra, unreported runs of the hub, the bare gateway and Hive Gateway. */
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

/** Defaults of a full run and of a quick one (BENCH_QUICK). */
const DURATIONS = {
  full: { BENCH_SECONDS: 5, BENCH_ROUNDS: 3, BENCH_WARMUP_SECONDS: 1, BENCH_SOAK_MS: 60_000 },
  quick: { BENCH_SECONDS: 3, BENCH_ROUNDS: 1, BENCH_WARMUP_SECONDS: 0.5, BENCH_SOAK_MS: 5_000 },
};

/** The benchmark's settings, read once from the environment. */
export type BenchConfig = Omit<z.infer<typeof schema>, keyof (typeof DURATIONS)['full']> & (typeof DURATIONS)['full'];

/**
 * The benchmark's one reader of `process.env`: validates every variable it knows and, when any is
 * wrong, prints them all with what each accepts and exits 1 before anything is started.
 */
export function loadBenchConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const result = schema.safeParse(env);
  if (result.success) {
    const defaults = DURATIONS[result.data.BENCH_QUICK ? 'quick' : 'full'];
    return {
      ...result.data,
      BENCH_SECONDS: result.data.BENCH_SECONDS ?? defaults.BENCH_SECONDS,
      BENCH_ROUNDS: result.data.BENCH_ROUNDS ?? defaults.BENCH_ROUNDS,
      BENCH_WARMUP_SECONDS: result.data.BENCH_WARMUP_SECONDS ?? defaults.BENCH_WARMUP_SECONDS,
      BENCH_SOAK_MS: result.data.BENCH_SOAK_MS ?? defaults.BENCH_SOAK_MS,
    };
  }
  const problems = result.error.issues.map((issue) => `  - ${issue.path.join('.')}: ${issue.message}`);
  process.stderr.write(`Invalid benchmark configuration:\n${problems.join('\n')}\nNothing was started.\n`);
  process.exit(1);
}

/** Name of the benchmark's database, on the embedded server or on DATABASE_URL's. */
export const BENCH_DATABASE = 'frontera_bench';
