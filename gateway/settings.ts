import path from 'node:path';
import { z } from 'zod';
import { Role } from '../identity/principal';
import { isOrigin } from '../platform/cors';
import { flag, limit, readableFile, repoRoot, type PlatformConfig } from '../platform/config';
import { parseRateLimits } from './rate-limits';

/** The gateway's settings: access-control mode, operation limits, trusted documents, introspection, subgraph calls. */
export const gatewaySettings = {
  /** How the gateway enforces `@authenticated`/`@requiresScopes`/`@policy`: drop denied fields, refuse the operation, or only log. */
  AUTHZ_MODE: z.enum(['filter', 'reject', 'dry-run']).default('filter'),
  /** How long the gateway waits for a subgraph's answer, in ms; then that part fails with `SUBGRAPH_TIMEOUT`. */
  SUBGRAPH_TIMEOUT_MS: limit(100, 600_000, 10_000),
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
  /**
   * PEM CA certificate(s) the subgraphs' server certificates must chain to. Set, the gateway calls
   * subgraphs only over https (an http:// subgraph URL stops start-up) and trusts this CA alone
   * for them.
   */
  GATEWAY_TLS_CA_FILE: readableFile,
  /** PEM client certificate the gateway presents to subgraphs (mutual TLS); with GATEWAY_TLS_KEY_FILE. */
  GATEWAY_TLS_CERT_FILE: readableFile,
  /** PEM private key of GATEWAY_TLS_CERT_FILE. */
  GATEWAY_TLS_KEY_FILE: readableFile,
  /**
   * Origins (`https://app.example.org`, exactly as browsers send them) whose pages may call the
   * gateway, comma separated; none by default: no CORS header is sent and browsers on other
   * origins are refused. `*` is not accepted: list the frontends.
   */
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((value, ctx) => {
      const origins: string[] = [];
      for (const origin of value.split(',').map((o) => o.trim()).filter(Boolean)) {
        if (isOrigin(origin)) origins.push(origin);
        else ctx.addIssue({ code: 'custom', message: `"${origin}" is not an origin as browsers send it: scheme://host[:port], lower case, no path or trailing slash (e.g. https://app.example.org); "*" is not accepted` });
      }
      return origins;
    }),
  /** How long browsers may reuse a preflight answer, in seconds. */
  CORS_MAX_AGE_SECONDS: limit(0, 86_400, 600),
  /** The supergraph the gateway plans with; re-read on change (SUPERGRAPH_WATCH) and on SIGHUP. */
  SUPERGRAPH_FILE: readableFile.default(path.join(repoRoot, 'schema', 'supergraph.graphql')),
  /** Watch SUPERGRAPH_FILE (and TRUSTED_DOCUMENTS_DIR when enforced) and reload on change; SIGHUP reloads either way. */
  SUPERGRAPH_WATCH: flag(true),
  /**
   * Requests per second and concurrent requests per organisation and per subject (see README,
   * "Limits per organisation"): JSON, or the path of a JSON file. Unset: no limits.
   */
  RATE_LIMITS: z
    .string()
    .default('')
    .transform((value, ctx) => {
      try {
        return parseRateLimits(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  /**
   * Serve the web console at `/console` (and register its trusted documents under
   * TRUSTED_DOCUMENTS=enforce). Default: on, except with NODE_ENV=production; see `consoleEnabled`.
   */
  CONSOLE: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === 'true')),
  /** The console's build (`npm run console:build`): its files and its persisted-query manifest. */
  CONSOLE_DIR: z.string().min(1).default(path.join(repoRoot, 'dist', 'console')),
  /** Consecutive failed calls (network error, timeout, HTTP 5xx) that open a subgraph's circuit breaker. */
  SUBGRAPH_BREAKER_FAILURES: limit(1, 1_000, 5),
  /** How long an open breaker fails calls at once before one trial call is let through, in ms. */
  SUBGRAPH_BREAKER_OPEN_MS: limit(100, 600_000, 10_000),
  /** Retries of a failed subgraph query call (connection refused or reset, HTTP 502/503/504); mutations are never retried. */
  SUBGRAPH_RETRIES: limit(0, 5, 1),
  /**
   * `on`: identical in-flight query calls to a subgraph (same caller token as signed for it,
   * purpose, document, variables) are sent once and each request gets its own copy of the answer
   * (README, "Coalescing of subgraph calls"); `off`: every call is sent.
   */
  SUBGRAPH_DEDUP: z.enum(['on', 'off']).default('on').transform((value) => value === 'on'),
  /** Retries per subgraph may add at most this share of its calls (plus 10 in reserve), so retries never multiply an outage's load. */
  SUBGRAPH_RETRY_BUDGET: z.coerce.number().min(0).max(1).default(0.1),
};

/** CONSOLE's default: on for development and tests, off in production unless set. */
export function consoleEnabled(config: Pick<GatewayConfig, 'CONSOLE' | 'NODE_ENV'>): boolean {
  return config.CONSOLE ?? config.NODE_ENV !== 'production';
}

/** Checks between gateway settings, for the one `superRefine` of the whole configuration. */
export function checkGatewaySettings(config: GatewaySettings, ctx: z.RefinementCtx): void {
  if (Boolean(config.GATEWAY_TLS_CERT_FILE) !== Boolean(config.GATEWAY_TLS_KEY_FILE)) {
    const missing = config.GATEWAY_TLS_CERT_FILE ? 'GATEWAY_TLS_KEY_FILE' : 'GATEWAY_TLS_CERT_FILE';
    ctx.addIssue({ code: 'custom', path: [missing], message: 'must be set too: the gateway presents a client certificate and its key together' });
  }
}

export type GatewaySettings = z.infer<z.ZodObject<typeof gatewaySettings>>;

/** What the gateway reads of the hub's configuration. */
export type GatewayConfig = PlatformConfig & GatewaySettings;
