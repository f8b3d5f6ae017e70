import { randomUUID } from 'node:crypto';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stripSecurityLinks } from '../authorization/gateway';
import { gatewayCallHeaders } from '../identity';
import { staticSubgraphTokens, type BareGateway, type PeerGatewayOptions } from './bare-gateway';

/**
 * The part of @graphql-hive/gateway-runtime's API the bench uses, typed here: its own declarations
 * pull the DOM library into `tsc` (through @whatwg-node/fetch), which would change the project's
 * globals, so the package is loaded with `require` and never type-checked against.
 */
interface HiveFetchHook {
  url: string;
  options: { body?: unknown; headers?: Record<string, string> } & Record<string, unknown>;
  setOptions(options: HiveFetchHook['options']): void;
}
interface HiveRuntimeModule {
  createGatewayRuntime(config: {
    supergraph: string;
    transportEntries: Record<string, { location?: string; options?: Record<string, unknown> }>;
    plugins: () => { onFetch(payload: HiveFetchHook): void }[];
  }): RequestListener & { dispose(): Promise<void> | void };
}

/**
 * Hive Gateway (`@graphql-hive/gateway-runtime` on `node:http`) with its defaults, as a peer of the
 * race: the same supergraph (security links stripped, as for @apollo/gateway), the same subgraphs
 * and the same static subgraph tokens as the bare gateway. `transportEntries` is printed into the
 * schema's text, so it carries only the subgraphs' locations and transport options; the token and
 * the per-call proof (bound to the body's final bytes) are added in a plugin's `onFetch`, which runs
 * per fetch, after in-flight deduplication has merged identical calls.
 * `deduplicateInflightRequests: false` turns the transport's merging of identical in-flight
 * subgraph queries off (it is on by default).
 */
export async function startHiveGateway(options: PeerGatewayOptions & { deduplicateInflightRequests: boolean }): Promise<BareGateway> {
  const { createGatewayRuntime } = require('@graphql-hive/gateway-runtime') as HiveRuntimeModule;
  const tokens = await staticSubgraphTokens(options);
  const subgraphByUrl = new Map(Object.entries(options.subgraphUrls).map(([name, url]) => [url, name]));
  const transportEntries: Record<string, { location?: string; options?: Record<string, unknown> }> = Object.fromEntries(
    Object.entries(options.subgraphUrls).map(([name, url]) => [name, { location: url }]),
  );
  if (!options.deduplicateInflightRequests) transportEntries['*'] = { options: { deduplicateInflightRequests: false } };
  const runtime = createGatewayRuntime({
    supergraph: stripSecurityLinks(options.supergraphSdl),
    transportEntries,
    plugins: () => [
      {
        onFetch({ url, options: init, setOptions }) {
          const subgraph = subgraphByUrl.get(url);
          if (!subgraph) throw new Error(`Hive Gateway: no subgraph at ${url}`);
          const body = typeof init.body === 'string' ? init.body : '';
          setOptions({ ...init, headers: { ...init.headers, ...gatewayCallHeaders(options.internalKey, subgraph, tokens.get(subgraph), body, randomUUID()) } });
        },
      },
    ],
  });
  const server = createServer(runtime);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    async stop() {
      tokens.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.dispose();
    },
  };
}
