import path from 'node:path';
import { z } from 'zod';
import { Role } from '../identity/principal';

/** Repository root: every default path is relative to it, wherever the process was started from. */
export const repoRoot = path.resolve(__dirname, '..', __dirname.includes(`${path.sep}dist${path.sep}`) ? '..' : '');

const port = z.coerce.number().int().min(0).max(65535);
/** A whole-number limit from `min` to `max`. */
const limit = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

const schema = z.object({
  /** `production` masks errors and turns introspection and the Sandbox off. */
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** Port of the gateway's HTTP endpoint (`/graphql`, `/health/*`). */
  GATEWAY_PORT: port.default(4000),
  /** Interface every server binds to. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Host name printed in the ready line and used for subgraph URLs the hub runs itself. */
  PUBLIC_HOST: z.string().min(1).default('localhost'),
  /** First port of the subgraphs this process runs; each takes the next one in catalogue order. */
  SUBGRAPH_PORT_BASE: port.default(4001),
  /**
   * Subgraph URL overrides, `name=url` pairs separated by commas
   * (e.g. `operations=http://operations:4001/graphql`), for subgraphs running elsewhere.
   */
  SUBGRAPH_URLS: z
    .string()
    .default('')
    .transform((value, ctx) => {
      const urls: Record<string, string> = {};
      for (const pair of value.split(',').map((p) => p.trim()).filter(Boolean)) {
        const [name, url] = pair.split(/=(.*)/s, 2);
        if (!name || !url || !z.url().safeParse(url).success) {
          ctx.addIssue({ code: 'custom', message: `"${pair}" is not name=url (e.g. operations=http://operations:4001/graphql)` });
          continue;
        }
        urls[name] = url;
      }
      return urls;
    }),
  /** Which services this process runs: `all`, or a comma list of `gateway` and subgraph names. */
  HUB_SERVICES: z
    .string()
    .default('all')
    .transform((value) => value.split(',').map((s) => s.trim()).filter(Boolean)),
  /** PostgreSQL server to use instead of the embedded one (a superuser or a role with CREATEROLE). */
  DATABASE_URL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .refine((v) => /^postgres(ql)?:\/\//.test(v), 'must be a postgres:// or postgresql:// URL (leave it unset for the embedded PostgreSQL)')
      .optional(),
  ),
  /** Port of the embedded PostgreSQL (never 5432, which a local server may hold). */
  EMBEDDED_PG_PORT: port.refine((p) => p !== 5432 && p !== 0, 'must be a fixed port other than 5432').default(54329),
  /** Data directory of the embedded PostgreSQL. */
  EMBEDDED_PG_DIR: z.string().min(1).default(path.join(repoRoot, '.frontera', 'pgdata')),
  /** Folder for generated local secrets (database role passwords, issuer keys, audit key). */
  SECRETS_DIR: z.string().min(1).default(path.join(repoRoot, '.frontera', 'secrets')),
  /** Load the demo data set at start-up (idempotent). */
  SEED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** pino log level. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** How the gateway enforces `@authenticated`/`@requiresScopes`/`@policy`: drop denied fields, refuse the operation, or only log. */
  AUTHZ_MODE: z.enum(['filter', 'reject', 'dry-run']).default('filter'),
  /** Trust the local demo issuer (keys generated on first start) for the demo organisations. */
  LOCAL_ISSUER: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** JSON file listing the organisations' trusted token issuers (see README, "Identity"). */
  TRUSTED_ISSUERS_FILE: z.string().min(1).optional(),
  /** Largest `first` a connection accepts; the gateway refuses larger values (literal, variable or default) before planning. */
  MAX_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
  /** Largest request body the gateway reads, in bytes; larger ones get 413 before any parsing. */
  MAX_BODY_BYTES: limit(1_024, 50_000_000, 1_000_000),
  /**
   * Largest request body a subgraph reads, in bytes (at least MAX_BODY_BYTES). Larger than the
   * gateway's by default: a subgraph call carries the client's variables plus the `_entities`
   * representations the gateway built from other subgraphs' answers, which a client's body does not bound.
   */
  SUBGRAPH_MAX_BODY_BYTES: limit(1_024, 200_000_000, 5_000_000),
  /** How long the gateway waits for a subgraph's answer, in ms; then that part fails with `SUBGRAPH_TIMEOUT`. */
  SUBGRAPH_TIMEOUT_MS: limit(100, 600_000, 10_000),
  /**
   * How long every server (gateway and subgraphs) waits to receive a request's headers and body, in
   * ms; a slower client gets 408 and its connection closed (slow-header and slow-body attacks).
   */
  REQUEST_TIMEOUT_MS: limit(1_000, 600_000, 30_000),
  /** Most GraphQL tokens in a document (names, punctuation, values; comments excluded); parsing stops beyond. */
  MAX_TOKENS: limit(10, 100_000, 3_000),
  /** Deepest field nesting of an operation (fragments flattened), e.g. `operations.edges.node.code` is 4. */
  MAX_DEPTH: limit(1, 100, 12),
  /** Most aliases in an operation (`__typename` aliases excepted). */
  MAX_ALIASES: limit(0, 1_000, 30),
  /** Most directives (`@include`, `@skip`, …) in an operation. */
  MAX_DIRECTIVES: limit(0, 1_000, 20),
  /** Most root fields in an operation, aliases included (`__typename` excepted). */
  MAX_ROOT_FIELDS: limit(1, 100, 25),
  /**
   * Largest operation cost (graphql-armor's estimate: 1 per scalar, 2 per object, ×1.5 per level
   * of nesting, each selection multiplied by its list size: `first` as sent, in a variable or by
   * default, and COST_LIST_SIZE for lists without `first`).
   */
  MAX_COST: limit(1, 1_000_000_000, 500_000),
  /** How many items a list without `first` (e.g. `Operation.checkpoints`) counts as in the cost. */
  COST_LIST_SIZE: limit(1, 1_000, 5),
  /**
   * `enforce` accepts only the operations registered for the client (`apollographql-client-name`)
   * in TRUSTED_DOCUMENTS_DIR; `off` accepts any document (and automatic persisted queries).
   */
  TRUSTED_DOCUMENTS: z.enum(['off', 'enforce']).default('off'),
  /** Folder of Apollo persisted-query manifests, one `<client name>.json` per client; read when TRUSTED_DOCUMENTS=enforce. */
  TRUSTED_DOCUMENTS_DIR: z.string().min(1).default(path.join(repoRoot, 'trusted-documents')),
  /** Roles that may introspect the schema in production, comma separated (e.g. `HUB_ADMIN`); none by default. */
  INTROSPECTION_ROLES: z
    .string()
    .default('')
    .transform((value, ctx) => {
      const roles: Role[] = [];
      for (const name of value.split(',').map((r) => r.trim()).filter(Boolean)) {
        if ((Object.values(Role) as string[]).includes(name)) roles.push(name as Role);
        else ctx.addIssue({ code: 'custom', message: `"${name}" is not a role (accepted: ${Object.values(Role).join(', ')})` });
      }
      return roles;
    }),
}).superRefine((config, ctx) => {
  // The gateway forwards what it accepted: a subgraph must accept at least as much.
  if (config.SUBGRAPH_MAX_BODY_BYTES < config.MAX_BODY_BYTES) {
    ctx.addIssue({ code: 'custom', path: ['SUBGRAPH_MAX_BODY_BYTES'], message: `must be at least MAX_BODY_BYTES (${config.MAX_BODY_BYTES}): subgraph calls carry what the gateway accepted` });
  }
});

export type Config = z.infer<typeof schema>;

/** Thrown with every invalid variable named, so start-up can print them all at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * The one reader of `process.env`: validates every variable the hub knows and reports all bad
 * values together, each with the variable's name and what it accepts.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return result.data;
}
