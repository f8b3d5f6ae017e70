import { z } from 'zod';
import { auditSettings } from '../access-log/settings';
import { checkGatewaySettings, gatewaySettings } from '../gateway/settings';
import { checkIdentitySettings, identitySettings, resolveIdentitySettings } from '../identity/settings';
import { accessSync, constants } from 'node:fs';
import { checkPlatformSettings, flag, limit, platformSettings, port, readConfig } from '../platform/config';
import { drainLeadMs } from './load-balancer';
import { notificationSettings } from '../subgraphs/operations/notifications/settings';
import { telemetrySettings } from '../platform/telemetry-settings';

export { ConfigError } from '../platform/config';

/** How this hub is composed: which services this process runs, on which ports, and whether it loads demo data. */
const hubSettings = {
  /** Port of the gateway's HTTP endpoint (`/graphql`, `/health/*`). */
  GATEWAY_PORT: port.default(4000),
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
  /** Load the demo data set at start-up (idempotent). */
  SEED: flag(true),
  /**
   * On SIGTERM/SIGINT, how long in-flight requests may take to finish, in ms, before they are cut
   * (and recorded as cut); above SUBGRAPH_TIMEOUT_MS so a slow subgraph call can still answer.
   */
  DRAIN_TIMEOUT_MS: limit(0, 600_000, 15_000),
  /**
   * On SIGTERM, how long the gateway keeps serving new requests after its readiness turned 503, in
   * ms, so that a load balancer checking readiness takes it out before it refuses anything (see
   * README, "Replicas behind a load balancer"); then new requests get SHUTTING_DOWN. Counts within
   * DRAIN_TIMEOUT_MS. 0: refused at once (one process, nothing in front).
   */
  DRAIN_LEAD_MS: limit(0, 60_000, 0),
  /**
   * `single`: every service in this one process (unless HUB_SERVICES says otherwise). `processes`:
   * `npm start` supervises each subgraph and the gateway in a process of its own, as `npm run
   * cluster` does with one gateway and no load balancer (see README, "Deployment").
   */
  HUB_LAYOUT: z.enum(['single', 'processes']).default('single'),
};

/** `npm run cluster`: how many gateway replicas, where they listen, and the load balancer in front. */
const clusterSettings = {
  /** Gateway processes behind HAProxy. */
  CLUSTER_GATEWAYS: limit(1, 32, 2),
  /** Port of the first gateway replica (HAProxy listens on GATEWAY_PORT); each next replica takes the next port. */
  CLUSTER_GATEWAY_PORT_BASE: port.refine((p) => p !== 0, 'must be a fixed port: HAProxy is configured with it').default(4100),
  /** The HAProxy binary (Debian's package: `apt-get install haproxy`). */
  HAPROXY_BIN: z
    .string()
    .default('/usr/sbin/haproxy')
    .refine((file) => {
      try {
        accessSync(file, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    }, 'must name the HAProxy program, executable (Debian: apt-get install haproxy, then /usr/sbin/haproxy)'),
  /** HAProxy prints one JSON line per request (replica, status, time) on the cluster's stdout. */
  CLUSTER_ACCESS_LOG: flag(false),
};

const settings = { ...platformSettings, ...identitySettings, ...auditSettings, ...gatewaySettings, ...notificationSettings, ...telemetrySettings, ...hubSettings };

/** The name of every variable the hub reads (deployment files are checked against it). */
export const CONFIG_KEYS: readonly string[] = Object.keys(settings);

/** Checks between the hub's settings, for the one `superRefine` of each configuration. */
function checkHubSettings(config: z.infer<z.ZodObject<typeof settings>>, ctx: z.RefinementCtx): void {
  checkPlatformSettings(config, ctx);
  checkIdentitySettings(config, ctx);
  checkGatewaySettings(config, ctx);
  if (config.HUB_LAYOUT === 'processes' && config.HUB_SERVICES.join(',') !== 'all') {
    ctx.addIssue({ code: 'custom', path: ['HUB_LAYOUT'], message: `processes starts every service in a process of its own: leave HUB_SERVICES unset (it is ${config.HUB_SERVICES.join(',')})` });
  }
  if (config.DRAIN_LEAD_MS >= config.DRAIN_TIMEOUT_MS && config.DRAIN_LEAD_MS > 0) {
    ctx.addIssue({ code: 'custom', path: ['DRAIN_LEAD_MS'], message: `must be below DRAIN_TIMEOUT_MS (${config.DRAIN_TIMEOUT_MS}): the lead is part of the drain, and requests in flight need the rest` });
  }
}

const schema = z
  .object(settings)
  .superRefine((config, ctx) => {
    checkHubSettings(config, ctx);
  })
  .transform(resolveIdentitySettings);

/** The hub's whole configuration (see the README's table). */
export type Config = z.infer<typeof schema>;

/**
 * The one reader of `process.env`: validates every variable the hub knows and reports all bad
 * values together, each with the variable's name and what it accepts.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return readConfig(schema, env);
}

/** Least time a cluster gateway's drain leaves for its requests in flight after its lead. */
const DRAIN_MARGIN_MS = 1_000;

const clusterSchema = z
  .object({ ...settings, ...clusterSettings })
  .superRefine((config, ctx) => {
    checkHubSettings(config, ctx);
    const replicaPorts = Array.from({ length: config.CLUSTER_GATEWAYS }, (_, i) => config.CLUSTER_GATEWAY_PORT_BASE + i);
    if (replicaPorts.includes(config.GATEWAY_PORT)) {
      ctx.addIssue({ code: 'custom', path: ['CLUSTER_GATEWAY_PORT_BASE'], message: `the replicas' ports (${replicaPorts[0]}–${replicaPorts.at(-1)}) must not include GATEWAY_PORT (${config.GATEWAY_PORT}), where HAProxy listens` });
    }
    // The cluster gives each gateway the drain lead HAProxy needs (DRAIN_LEAD_MS 0): the drain must leave time after it.
    const lead = config.DRAIN_LEAD_MS || drainLeadMs();
    if (config.DRAIN_TIMEOUT_MS < lead + DRAIN_MARGIN_MS) {
      ctx.addIssue({ code: 'custom', path: ['DRAIN_TIMEOUT_MS'], message: `must be at least ${lead + DRAIN_MARGIN_MS} in the cluster: each gateway keeps serving for its drain lead (${lead} ms, DRAIN_LEAD_MS or HAProxy's check time) while HAProxy takes it out, and its requests in flight need at least ${DRAIN_MARGIN_MS} ms after that` });
    }
    if (replicaPorts.at(-1)! > 65535) ctx.addIssue({ code: 'custom', path: ['CLUSTER_GATEWAY_PORT_BASE'], message: `leaves no room for ${config.CLUSTER_GATEWAYS} replicas below port 65536` });
  })
  .transform(resolveIdentitySettings);

/** The configuration of `npm run cluster`: the hub's, and its replicas and load balancer. */
export type ClusterConfig = z.infer<typeof clusterSchema>;

/** Like {@link loadConfig}, with the cluster's settings (CLUSTER_*, HAPROXY_BIN) validated too. */
export function loadClusterConfig(env: NodeJS.ProcessEnv = process.env): ClusterConfig {
  return readConfig(clusterSchema, env);
}
