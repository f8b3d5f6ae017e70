import { randomUUID } from 'node:crypto';
import 'reflect-metadata';
import { Classification, loadOrCreateLocalIssuer, mintToken, Role } from '../identity';
import type { DatabaseServer } from '../platform/database';
import { createLogger, type Logger } from '../platform/logger';
import { startHub, type RunningHub } from '../hub/runtime';
import { loadSecrets } from '../platform/secrets';
import { sqlStatementTotal } from '../subgraphs/shared/orm';
import { startSubgraph, type SubgraphServerOptions } from '../subgraphs/shared/server';
import type { SubgraphDefinition } from '../subgraphs/shared/subgraph';
import type { HttpService } from '../platform/http';
import { testConfig, testDatabase } from './database';

export interface GraphQLResponse<Data = any> {
  status: number;
  body: { data?: Data | null; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[] };
}

/** Who a test request acts as: a token from the local demo issuer is minted for it. */
export interface Caller {
  organisation: string;
  roles: Role[];
  clearance?: Classification;
  country?: string;
  scopes?: string[];
}

/** Typical callers of the matrix in the README. */
export const callers = {
  hubAdmin: { organisation: 'hub', roles: [Role.HUB_ADMIN], clearance: Classification.CONFIDENTIAL },
  officerTha: { organisation: 'ncb-tha', roles: [Role.BORDER_OFFICER], clearance: Classification.RESTRICTED },
  analystFra: { organisation: 'ncb-fra', roles: [Role.NCB_ANALYST], clearance: Classification.RESTRICTED },
  trainer: { organisation: 'hub', roles: [Role.TRAINER], clearance: Classification.RESTRICTED },
  auditor: { organisation: 'hub', roles: [Role.AUDITOR], clearance: Classification.CONFIDENTIAL },
  wcoLiaison: { organisation: 'wco', roles: [Role.PARTNER_LIAISON], clearance: Classification.RESTRICTED },
  iomLiaison: { organisation: 'iom', roles: [Role.PARTNER_LIAISON], clearance: Classification.CONFIDENTIAL },
  frontexLiaison: { organisation: 'frontex', roles: [Role.PARTNER_LIAISON], clearance: Classification.RESTRICTED },
} satisfies Record<string, Caller>;

export interface RequestOptions {
  /** Caller to mint a token for (a hub administrator when omitted); `null` sends no token. */
  as?: Caller | null;
  /** `x-purpose` header ('test suite' when omitted); `null` sends none. */
  purpose?: string | null;
  headers?: Record<string, string>;
}

export interface TestHub {
  hub: RunningHub;
  gatewayUrl: string;
  /** POSTs a GraphQL request to the gateway over HTTP, as `options.as`. */
  query<Data = any>(query: string, variables?: Record<string, unknown>, options?: RequestOptions): Promise<GraphQLResponse<Data>>;
  /** Runs a query that must succeed (HTTP 200, no error) and returns its data. */
  ok<Data = any>(query: string, variables?: Record<string, unknown>, options?: RequestOptions): Promise<Data>;
  /** Runs a query that must fail and returns its first error's code and message. */
  refused(query: string, variables?: Record<string, unknown>, options?: RequestOptions): Promise<{ code: string; message: string }>;
  /** A bearer token for a caller, from the local demo issuer. */
  token(caller: Caller): Promise<string>;
  /** SQL statements the subgraphs ran while `work` was under way. */
  countSql<T>(work: () => Promise<T>): Promise<{ result: T; statements: number }>;
  stop(): Promise<void>;
}

/** Starts every subgraph and the gateway on free ports, against the test database (or `database`), logging to `log` when given. */
export async function startTestHub(overrides: Record<string, string> = {}, database: DatabaseServer = testDatabase(), log?: Logger): Promise<TestHub> {
  // Each test hub is a writer of its own: hubs of parallel test files must not seal each other's chains.
  const config = testConfig({ AUDIT_WRITER_ID: `test-${randomUUID()}`, ...overrides });
  const hub = await startHub(config, database, loadSecrets(config.SECRETS_DIR), log ?? createLogger(config.LOG_LEVEL), { ephemeralPorts: true });
  const gatewayUrl = hub.gatewayUrl!;
  const issuer = await loadOrCreateLocalIssuer(config.SECRETS_DIR);
  const tokens = new Map<string, Promise<string>>();
  const token = (caller: Caller) => {
    const key = JSON.stringify(caller);
    if (!tokens.has(key)) {
      const subject = `test.${caller.organisation}.${caller.roles.join('+').toLowerCase()}`;
      tokens.set(key, mintToken(issuer, { subject, scopes: [], ttlSeconds: 3600, ...caller }));
    }
    return tokens.get(key)!;
  };
  const query: TestHub['query'] = async (text, variables, options = {}) => {
    const caller = options.as === undefined ? callers.hubAdmin : options.as;
    const purpose = options.purpose === undefined ? 'test suite' : options.purpose;
    const response = await fetch(gatewayUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(caller ? { authorization: `Bearer ${await token(caller)}` } : {}),
        ...(purpose ? { 'x-purpose': purpose } : {}),
        ...options.headers,
      },
      body: JSON.stringify({ query: text, variables }),
    });
    return { status: response.status, body: (await response.json()) as GraphQLResponse['body'] };
  };
  return {
    hub,
    gatewayUrl,
    query,
    async ok(text, variables, options) {
      const { status, body } = await query(text, variables, options);
      expect(body.errors).toBeUndefined();
      expect(status).toBe(200);
      return body.data;
    },
    async refused(text, variables, options) {
      const { body } = await query(text, variables, options);
      expect(body.errors?.length).toBeGreaterThan(0);
      const [error] = body.errors!;
      return { code: error.extensions?.code, message: error.message };
    },
    token,
    async countSql(work) {
      const before = sqlStatementTotal();
      const result = await work();
      return { result, statements: sqlStatementTotal() - before };
    },
    stop: () => hub.stop(),
  };
}

/**
 * The test hub of a suite: started before its tests and stopped after them. Call it at the top of
 * a test file; what it returns works inside the tests.
 */
export function useTestHub(overrides: Record<string, string> = {}, database?: () => Promise<DatabaseServer>): TestHub {
  let started: TestHub | undefined;
  beforeAll(async () => {
    started = await startTestHub(overrides, database ? await database() : undefined);
  });
  afterAll(async () => {
    await started?.stop();
  });
  const current = (): TestHub => {
    if (!started) throw new Error('the test hub starts in beforeAll: use it inside a test');
    return started;
  };
  return {
    get hub() {
      return current().hub;
    },
    get gatewayUrl() {
      return current().gatewayUrl;
    },
    query: (...args) => current().query(...args),
    ok: (...args) => current().ok(...args),
    refused: (...args) => current().refused(...args),
    token: (caller) => current().token(caller),
    countSql: (work) => current().countSql(work),
    stop: () => current().stop(),
  };
}

/** One subgraph served alone on a free loopback port, with the test configuration's limits (for suites that call it directly). */
export function startTestSubgraph(definition: SubgraphDefinition<any>, options: Pick<SubgraphServerOptions, 'orm' | 'tools' | 'gatewayKeys' | 'audit' | 'log'>): Promise<HttpService> {
  const config = testConfig();
  return startSubgraph(definition, {
    ...options,
    host: '127.0.0.1',
    port: 0,
    production: false,
    maxBodyBytes: config.SUBGRAPH_MAX_BODY_BYTES,
    requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
    maxPageSize: config.MAX_PAGE_SIZE,
  });
}
