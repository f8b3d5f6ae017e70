import { ApolloGateway, type GatewayConfig } from '@apollo/gateway';

/**
 * The one way this repository constructs an `ApolloGateway` (the hub's gateway, the bench's bare
 * one). @apollo/gateway 2.x starts, from its constructor, a metrics exporter to Apollo's
 * usage-reporting endpoint (host, OS and CPU figures, exported hourly and on stop) and probes the
 * cloud providers' metadata addresses, unless `APOLLO_TELEMETRY_DISABLED` is `true` or `1` when it
 * is constructed. A border-management hub makes no outbound connection its operator did not
 * configure, so it is set here, right before construction, whatever the environment said: no
 * entry point (npm start, the bench, tests, a container) can forget it.
 */
export function createApolloGateway(config: GatewayConfig): ApolloGateway {
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  return new ApolloGateway(config);
}
