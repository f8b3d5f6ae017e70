import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** Repository root: every default path is relative to it, wherever the process was started from. */
export const repoRoot = path.resolve(__dirname, '..', __dirname.includes(`${path.sep}dist${path.sep}`) ? '..' : '');

/** A TCP port (0 picks a free one). */
export const port = z.coerce.number().int().min(0).max(65535);
/** A whole-number limit from `min` to `max`. */
export const limit = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);
/** `true` or `false`, as environment variables spell them. */
export const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true');

/** A file this process can read (a PEM certificate or key); unset or empty means none. */
export const readableFile = z.preprocess(
  (v) => (v === '' ? undefined : v),
  z
    .string()
    .refine((file) => {
      try {
        accessSync(file, constants.R_OK);
        return true;
      } catch {
        return false;
      }
    }, 'must name a file this process can read (a PEM file; see README, "Between the gateway and subgraphs")')
    .optional(),
);

/**
 * The platform's settings: where to listen, which database, where secrets live, logs, and the
 * bounds every server applies to requests (body size, time, page size). Each layer declares its own settings beside its
 * code (gateway/settings.ts, identity/settings.ts); hub/config.ts puts them together and reads
 * `process.env` once.
 */
export const platformSettings = {
  /**
   * Largest `first` a connection accepts: the gateway refuses larger values (literal, variable or
   * default) before planning, and every subgraph checks it again on its connection fields.
   */
  MAX_PAGE_SIZE: limit(1, 1000, 100),
  /** `production` masks errors and turns introspection and the Sandbox off. */
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** Interface every server binds to. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Host name printed in the ready line and used for subgraph URLs the hub runs itself. */
  PUBLIC_HOST: z.string().min(1).default('localhost'),
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
  /** pino log level. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Largest request body the gateway reads, in bytes; larger ones get 413 before any parsing. */
  MAX_BODY_BYTES: limit(1_024, 50_000_000, 1_000_000),
  /**
   * Largest request body a subgraph reads, in bytes (at least MAX_BODY_BYTES). Larger than the
   * gateway's by default: a subgraph call carries the client's variables plus the `_entities`
   * representations the gateway built from other subgraphs' answers, which a client's body does not bound.
   */
  SUBGRAPH_MAX_BODY_BYTES: limit(1_024, 200_000_000, 5_000_000),
  /**
   * How long every server (gateway and subgraphs) waits to receive a request's headers and body, in
   * ms; a slower client gets 408 and its connection closed (slow-header and slow-body attacks).
   */
  REQUEST_TIMEOUT_MS: limit(1_000, 600_000, 30_000),
  /** PEM certificate (chain) a subgraph serves HTTPS with; with SUBGRAPH_TLS_KEY_FILE. Unset: plain HTTP. */
  SUBGRAPH_TLS_CERT_FILE: readableFile,
  /** PEM private key of SUBGRAPH_TLS_CERT_FILE. */
  SUBGRAPH_TLS_KEY_FILE: readableFile,
  /**
   * PEM CA certificate(s) a caller's client certificate must chain to: set, a subgraph requires
   * mutual TLS and refuses, in the handshake, any client without such a certificate (remote
   * partner subgraphs). Needs SUBGRAPH_TLS_CERT_FILE.
   */
  SUBGRAPH_TLS_CLIENT_CA_FILE: readableFile,
};

export type PlatformConfig = z.infer<z.ZodObject<typeof platformSettings>>;

/** Checks between platform settings, for the one `superRefine` of the whole configuration. */
export function checkPlatformSettings(config: PlatformConfig, ctx: z.RefinementCtx): void {
  // The gateway forwards what it accepted: a subgraph must accept at least as much.
  if (config.SUBGRAPH_MAX_BODY_BYTES < config.MAX_BODY_BYTES) {
    ctx.addIssue({ code: 'custom', path: ['SUBGRAPH_MAX_BODY_BYTES'], message: `must be at least MAX_BODY_BYTES (${config.MAX_BODY_BYTES}): subgraph calls carry what the gateway accepted` });
  }
  if (Boolean(config.SUBGRAPH_TLS_CERT_FILE) !== Boolean(config.SUBGRAPH_TLS_KEY_FILE)) {
    const missing = config.SUBGRAPH_TLS_CERT_FILE ? 'SUBGRAPH_TLS_KEY_FILE' : 'SUBGRAPH_TLS_CERT_FILE';
    ctx.addIssue({ code: 'custom', path: [missing], message: 'must be set too: a subgraph serves HTTPS with a certificate and its key together' });
  }
  if (config.SUBGRAPH_TLS_CLIENT_CA_FILE && !config.SUBGRAPH_TLS_CERT_FILE) {
    ctx.addIssue({ code: 'custom', path: ['SUBGRAPH_TLS_CLIENT_CA_FILE'], message: 'needs SUBGRAPH_TLS_CERT_FILE and SUBGRAPH_TLS_KEY_FILE: mutual TLS is TLS first' });
  }
}

/** Thrown with every invalid variable named, so start-up can print them all at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * A start-up's configuration, or the process ends (exit 1) with every bad value listed and
 * "Nothing was started.": the one way `npm start` and `npm run cluster` refuse a configuration.
 */
export function configOrExit<T>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\nNothing was started.\n`);
    process.exit(1);
  }
}

/**
 * Validates `env` against `schema` and reports all bad values together, each with the variable's
 * name and what it accepts.
 */
export function readConfig<Schema extends z.ZodType>(schema: Schema, env: NodeJS.ProcessEnv): z.infer<Schema> {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return result.data;
}
