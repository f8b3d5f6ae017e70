import type { AuditWriter } from '../access-log/writer';
import { signSubgraphToken, type HubInternalKey } from '../identity/subgraph-token';
import type { Principal } from '../identity/principal';
import { READINESS_PATH, sendJson, type Route } from '../platform/http';

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

/** Answers whether every subgraph accepts the gateway's identity and a trivial query within a second. */
async function subgraphsReady(urls: Record<string, string>, internalKey: HubInternalKey): Promise<Record<string, string>> {
  const failures: Record<string, string> = {};
  await Promise.all(
    Object.entries(urls).map(async ([name, url]) => {
      try {
        const token = await signSubgraphToken(internalKey, { audience: name, principal: PROBE_PRINCIPAL });
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: '{"query":"{ __typename }"}',
          signal: AbortSignal.timeout(1_000),
        });
        if (!response.ok) failures[name] = `HTTP ${response.status}`;
        await response.arrayBuffer();
      } catch (error) {
        failures[name] = error instanceof Error ? error.message : 'unreachable';
      }
    }),
  );
  return failures;
}

/**
 * `/health/live` (the process answers) and `/health/ready` (every subgraph answers the gateway
 * and the access log can commit: only then may traffic come here).
 */
export function healthRoutes(subgraphUrls: Record<string, string>, internalKey: HubInternalKey, audit: Pick<AuditWriter, 'healthy'>): Record<string, Route> {
  return {
    '/health/live': (_req, res) => sendJson(res, 200, { status: 'live' }),
    [READINESS_PATH]: async (_req, res) => {
      const failures = await subgraphsReady(subgraphUrls, internalKey);
      if (!audit.healthy()) failures['access log'] = 'cannot commit events';
      const ready = Object.keys(failures).length === 0;
      sendJson(res, ready ? 200 : 503, ready ? { status: 'ready' } : { status: 'not-ready', subgraphs: failures });
    },
  };
}
