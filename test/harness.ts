import 'reflect-metadata';
import { createLogger } from '../hub/logger';
import { startHub, type RunningHub } from '../hub/runtime';
import { loadSecrets } from '../hub/secrets';
import { sqlStatementTotal } from '../subgraphs/shared/orm';
import { testConfig, testDatabase } from './database';

export interface GraphQLResponse<Data = any> {
  status: number;
  body: { data?: Data | null; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[] };
}

export interface TestHub {
  hub: RunningHub;
  gatewayUrl: string;
  /** POSTs a GraphQL request to the gateway over HTTP. */
  query<Data = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<Data>>;
  /** SQL statements the subgraphs ran while `work` was under way. */
  countSql<T>(work: () => Promise<T>): Promise<{ result: T; statements: number }>;
  stop(): Promise<void>;
}

/** Starts every subgraph and the gateway on free ports, against the test database. */
export async function startTestHub(overrides: Record<string, string> = {}): Promise<TestHub> {
  const config = testConfig(overrides);
  const hub = await startHub(config, testDatabase(), loadSecrets(config.SECRETS_DIR), createLogger(config.LOG_LEVEL), { ephemeralPorts: true });
  const gatewayUrl = hub.gatewayUrl!;
  const query: TestHub['query'] = async (text, variables, headers) => {
    const response = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: text, variables }),
    });
    return { status: response.status, body: (await response.json()) as GraphQLResponse['body'] };
  };
  return {
    hub,
    gatewayUrl,
    query,
    async countSql(work) {
      const before = sqlStatementTotal();
      const result = await work();
      return { result, statements: sqlStatementTotal() - before };
    },
    stop: () => hub.stop(),
  };
}
