import { z } from 'zod';
import { auditSettings } from '../access-log/settings';
import { checkGatewaySettings, gatewaySettings } from '../gateway/settings';
import { checkIdentitySettings, identitySettings, resolveIdentitySettings } from '../identity/settings';
import { checkPlatformSettings, flag, limit, platformSettings, port, readConfig } from '../platform/config';
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
};

const settings = { ...platformSettings, ...identitySettings, ...auditSettings, ...gatewaySettings, ...notificationSettings, ...telemetrySettings, ...hubSettings };

/** The name of every variable the hub reads (deployment files are checked against it). */
export const CONFIG_KEYS: readonly string[] = Object.keys(settings);

const schema = z
  .object(settings)
  .superRefine((config, ctx) => {
    checkPlatformSettings(config, ctx);
    checkIdentitySettings(config, ctx);
    checkGatewaySettings(config, ctx);
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
