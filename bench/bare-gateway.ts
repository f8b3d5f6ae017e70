import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { randomUUID } from 'node:crypto';
import { RemoteGraphQLDataSource } from '@apollo/gateway';
import { stripSecurityLinks } from '../authorization/gateway';
import { createApolloGateway } from '../gateway/apollo-gateway';
import { gatewayCallHeaders, signSubgraphToken, type HubInternalKey, type Principal } from '../identity';

/** Subgraph tokens live at most 300 s (subgraph-token.ts); re-signing every minute keeps a margin for any run length. */
const RESIGN_EVERY_MS = 60_000;
const TOKEN_TTL_SECONDS = 300;

/** A running peer gateway (bare @apollo/gateway or Hive Gateway). */
export interface BareGateway {
  url: string;
  stop(): Promise<void>;
}

/**
 * The only deviation from @apollo/gateway's defaults: the subgraphs answer only calls the hub
 * signed, so each call carries one pre-signed token per subgraph, replaced by a timer (never in
 * the request path), and the per-call proof binding it to the body, added around the default
 * fetcher because only the fetcher sees the body's final bytes (the hub pays the same).
 */
class StaticTokenDataSource extends RemoteGraphQLDataSource {
  constructor(
    private readonly token: () => string,
    url: string,
    key: HubInternalKey,
    audience: string,
  ) {
    super({ url });
    const fetcher = this.fetcher;
    this.fetcher = ((target: string, init: { headers?: Record<string, string>; body?: string }) =>
      fetcher(target, { ...init, headers: { ...init.headers, ...gatewayCallHeaders(key, audience, this.token(), init.body ?? '', randomUUID()) } } as never)) as typeof fetcher;
  }
}

/** One pre-signed token per subgraph for `principal`, re-signed by a timer (never in the request path). */
export interface StaticSubgraphTokens {
  get(subgraph: string): string;
  stop(): void;
}

/** What a peer gateway of the bench (bare @apollo/gateway, Hive Gateway) is started with. */
export interface PeerGatewayOptions {
  supergraphSdl: string;
  subgraphUrls: Record<string, string>;
  internalKey: HubInternalKey;
  principal: Principal;
  purpose: string;
}

/** Signs one token per subgraph now and every {@link RESIGN_EVERY_MS}, as the peer gateways of the bench present them. */
export async function staticSubgraphTokens(options: PeerGatewayOptions): Promise<StaticSubgraphTokens> {
  const tokens = new Map<string, string>();
  const sign = async () => {
    await Promise.all(
      Object.keys(options.subgraphUrls).map(async (name) => {
        const token = await signSubgraphToken(options.internalKey, {
          audience: name,
          principal: options.principal,
          purpose: options.purpose,
          ttlSeconds: TOKEN_TTL_SECONDS,
        });
        tokens.set(name, token);
      }),
    );
  };
  await sign();
  const timer = setInterval(() => void sign(), RESIGN_EVERY_MS);
  timer.unref();
  return { get: (name) => tokens.get(name)!, stop: () => clearInterval(timer) };
}

/**
 * The baseline of the race: @apollo/gateway inside @apollo/server on its standalone HTTP server,
 * with their default settings (default data source and fetcher, default plan cache, no auth, no
 * audit, no plugins), planning over the same supergraph (security links stripped, as @apollo/gateway
 * refuses them) and calling the same subgraphs as `principal`.
 */
export async function startBareGateway(options: PeerGatewayOptions): Promise<BareGateway> {
  const tokens = await staticSubgraphTokens(options);
  const gateway = createApolloGateway({
    supergraphSdl: stripSecurityLinks(options.supergraphSdl),
    buildService: ({ name, url }) => {
      const target = options.subgraphUrls[name] ?? url;
      if (!target) throw new Error(`bare gateway: no URL for subgraph ${name}`);
      return new StaticTokenDataSource(() => tokens.get(name), target, options.internalKey, name);
    },
  });
  const server = new ApolloServer({ gateway });
  const { url } = await startStandaloneServer(server, { listen: { host: '127.0.0.1', port: 0 } });
  return {
    url,
    async stop() {
      tokens.stop();
      await server.stop();
    },
  };
}
