import type { DatabaseServer } from '../platform/database';

/** pino levels the stack under test accepts. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** What one stack process runs (see bench-config.ts BENCH_TOPOLOGY). */
export type StackServices = 'all' | 'subgraphs' | 'gateways';

/** Who a bare gateway's static subgraph token speaks for (see bare-gateway.ts). */
export type BareIdentity = 'admin' | 'officer';

/** A peer gateway the stack can start: bare @apollo/gateway, Hive Gateway with its defaults, or with in-flight deduplication off. */
export type PeerGateway = 'bare' | 'hive' | 'hive-nodedup';

/** Messages the benchmark (parent) sends to the stack under test (child), over the fork IPC channel. */
export type ToStack =
  | {
      type: 'start';
      /** The prepared database; `stop` stays with the parent. */
      database: Omit<DatabaseServer, 'stop'>;
      secretsDir: string;
      logLevel: (typeof LOG_LEVELS)[number];
      /** What this process runs: everything, only the subgraphs, or only the gateways (given the subgraphs' URLs). */
      services: StackServices;
      subgraphUrls?: Record<string, string>;
      /** Extra hub settings (e.g. `SUBGRAPH_DEDUP`, `AUDIT_WRITER_ID`); those this tree's hub does not know are left out and reported. */
      env?: Record<string, string>;
    }
  /** Starts a peer gateway (bare by default) whose subgraph calls act as `identity` (an NCB officer needs `organisation`). */
  | { type: 'bare'; id: number; identity: BareIdentity; organisation?: string; gateway?: PeerGateway }
  /** Answers once the child's event loop has been idle for a while (requests left in flight by a run have finished). */
  | { type: 'idle'; id: number; timeoutMs: number }
  /** Reads the child's SQL statement counter. */
  | { type: 'sql'; id: number }
  /** Starts or stops an inspector CPU profile of the child; `stop` writes it to `file`. */
  | { type: 'profile'; id: number; action: 'start' | 'stop'; file?: string }
  | { type: 'stop' };

/** Messages the child sends back; replies carry the request's `id`. */
export type FromStack =
  /** `ignoredEnv`: keys of the start's `env` this tree's hub does not know (absent from older stacks). */
  | { type: 'ready'; gatewayUrl: string | null; subgraphUrls: Record<string, string>; pid: number; ignoredEnv?: string[] }
  | { type: 'bare'; id: number; url: string }
  | { type: 'idle'; id: number; idle: boolean; waitedMs: number }
  | { type: 'sql'; id: number; total: number }
  | { type: 'profile'; id: number; file: string | null }
  | { type: 'failed'; id?: number; message: string };
