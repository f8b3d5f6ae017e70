import type { AuditWriter } from '../access-log/writer';
import { randomUUID } from 'node:crypto';
import type { Fetcher } from '@apollo/utils.fetcher';
import { signSubgraphToken, type GatewayKeyRing } from '../identity/subgraph-token';
import type { Principal } from '../identity/principal';
import { liveness, LIVENESS_PATH, READINESS_PATH, sendJson, type Route } from '../platform/http';

/** The gateway's own identity for readiness probes: no role, no clearance, sees nothing. */
const PROBE_PRINCIPAL: Principal = {
  subject: 'frontera-gateway-probe',
  organisation: 'hub',
  country: null,
  roles: [],
  scopes: [],
  clearance: null,
  expiresAt: new Date(8.64e15),
};

/** How the probe reaches subgraphs: the gateway's own keys and fetchers (TLS, call proofs), so it tests what requests use. */
export interface ProbeTools {
  keys: GatewayKeyRing;
  fetcherFor(subgraph: string): Fetcher;
}

/**
 * What a subgraph's own readiness (`/health/ready` beside its `/graphql`) says about its database:
 * `null` when it is up, or when the subgraph serves no such route (a partner running elsewhere
 * may not), else why it is not.
 */
async function databaseOf(fetcher: Fetcher, graphqlUrl: string): Promise<string | null> {
  const response = await fetcher(new URL(READINESS_PATH, graphqlUrl).toString(), { signal: AbortSignal.timeout(1_500) });
  const body = (await response.json().catch(() => null)) as { database?: unknown } | null;
  if (response.status !== 503) return null;
  return `database unavailable${typeof body?.database === 'string' ? `: ${body.database}` : ''}`;
}

/** Answers whether every subgraph accepts the gateway's identity and a trivial query within a second. */
async function subgraphsReady(urls: Record<string, string>, tools: ProbeTools): Promise<Record<string, string>> {
  const failures: Record<string, string> = {};
  await Promise.all(
    Object.entries(urls).map(async ([name, url]) => {
      try {
        const token = await signSubgraphToken(tools.keys.signing(), { audience: name, principal: PROBE_PRINCIPAL });
        const response = await tools.fetcherFor(name)(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': `probe-${randomUUID()}` },
          body: '{"query":"{ __typename }"}',
          signal: AbortSignal.timeout(1_000),
        });
        if (!response.ok) failures[name] = `HTTP ${response.status}`;
        await response.arrayBuffer();
        const database = await databaseOf(tools.fetcherFor(name), url);
        if (database && !failures[name]) failures[name] = database;
      } catch (error) {
        failures[name] = error instanceof Error ? error.message : 'unreachable';
      }
    }),
  );
  return failures;
}

/**
 * `/health/live` (the process answers) and `/health/ready` (every subgraph answers the gateway,
 * every subgraph's database answers it, and the access log can commit: only then may traffic come
 * here). A 503 names what is down: `{"status": "not-ready", "subgraphs": {"operations": "database
 * unavailable: …", "access log": "cannot commit events"}}`.
 */
export function healthRoutes(subgraphUrls: Record<string, string>, probe: ProbeTools, audit: Pick<AuditWriter, 'healthy'>): Record<string, Route> {
  return {
    [LIVENESS_PATH]: liveness,
    [READINESS_PATH]: async (_req, res) => {
      const failures = await subgraphsReady(subgraphUrls, probe);
      if (!audit.healthy()) failures['access log'] = 'cannot commit events';
      const ready = Object.keys(failures).length === 0;
      sendJson(res, ready ? 200 : 503, ready ? { status: 'ready' } : { status: 'not-ready', subgraphs: failures });
    },
  };
}
