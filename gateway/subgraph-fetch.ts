import http from 'node:http';
import https from 'node:https';
import { RemoteGraphQLDataSource } from '@apollo/gateway';
import type { Fetcher, FetcherResponse } from '@apollo/utils.fetcher';
import { BrokenCircuitError, circuitBreaker, CircuitState, ConsecutiveBreaker, ExponentialBackoff, handleWhen, retry, wrap } from 'cockatiel';
import { GraphQLError } from 'graphql';
import nodeFetch, { Response, type RequestInit } from 'node-fetch';
import { takeRecords } from '../access-log/records';
import type { RequestRecord } from '../access-log/recorder';
import type { Principal } from '../identity/principal';
import { bodyDigest, CALL_PROOF_HEADER, proveSubgraphCall, type GatewayKeyRing, type subgraphTokenMinter } from '../identity/subgraph-token';
import { codedError, ErrorCode, unauthenticated } from '../platform/errors';
import type { Logger } from '../platform/logger';
import { inSpan, injectTraceContext, SpanKind } from '../platform/tracing';
import { coalescingKey, inflightCalls, SEND_ALONE_HEADER } from './inflight';

/** Why a subgraph call failed, as metrics count it. */
export type SubgraphFailure = 'timeout' | 'network' | 'http_4xx' | 'http_5xx';

/** Told of every subgraph call as it ends (metrics); must not throw. */
export type SubgraphCallObserver = (subgraph: string, seconds: number, failure: SubgraphFailure | null) => void;

/** PEM contents of the gateway's TLS material for subgraph calls. */
export interface SubgraphTlsOptions {
  /** CA(s) a subgraph's server certificate must chain to; replaces the system's CAs for these calls. */
  ca?: string | Buffer;
  /** Client certificate and key the gateway presents (mutual TLS, required by remote partner subgraphs). */
  cert?: string | Buffer;
  key?: string | Buffer;
}

/** How the gateway keeps one failing subgraph from costing every request its timeout. */
export interface ResilienceOptions {
  /** Consecutive failed calls (network error, timeout, HTTP 5xx) that open a subgraph's breaker. */
  breakerFailures: number;
  /** How long an open breaker fails calls at once before it lets one trial call through, in ms. */
  breakerOpenMs: number;
  /** Retries of a failed query call (never of a mutation); 0: none. */
  retries: number;
  /** Retries may add at most this share of a subgraph's calls, beyond a reserve of {@link RETRY_RESERVE}. */
  retryBudget: number;
}

/** A subgraph breaker's state, as reported to `onBreakerStateChange`. */
export type BreakerState = 'closed' | 'open' | 'half-open';

export interface SubgraphFetcherOptions {
  /** How long a call may take before it fails with `SUBGRAPH_TIMEOUT`. */
  timeoutMs: number;
  /**
   * The gateway's keys: every call carrying a bearer token gets a proof (header `x-frontera-call`)
   * binding that token to the call's `x-request-id` and to the exact body sent, made here because
   * only here are the body's bytes final.
   */
  keys?: GatewayKeyRing;
  tls?: SubgraphTlsOptions;
  /** Circuit breaker and retries per subgraph; unset: every call goes through, once. */
  resilience?: ResilienceOptions;
  log?: Logger;
  /** Called when a subgraph's breaker opens, half-opens or closes (a hook for metrics). */
  onBreakerStateChange?(subgraph: string, state: BreakerState): void;
  /** Called for each retried call (a hook for metrics). */
  onRetry?(subgraph: string): void;
  /** Told of every call's duration and failure (metrics). */
  observe?: SubgraphCallObserver;
  /**
   * Merge identical in-flight query calls (same subgraph, token, headers and body; see
   * gateway/inflight.ts) into one: `SUBGRAPH_DEDUP`. Off by default here, on in the gateway.
   */
  coalesce?: boolean;
  /** Called for each call that joined an identical one in flight instead of being sent (a hook for metrics). */
  onCoalesced?(subgraph: string): void;
}

function isTimeout(error: unknown): boolean {
  return error instanceof GraphQLError && error.extensions.code === ErrorCode.SUBGRAPH_TIMEOUT;
}

/** Retries any subgraph may spend before its budget counts: a few failures after a quiet spell are always retried. */
export const RETRY_RESERVE = 10;

/**
 * A retry budget (the token bucket of Envoy's and Finagle's): each call adds `ratio` of a token,
 * each retry takes one, at most {@link RETRY_RESERVE} are kept. When a subgraph fails everything,
 * retries add at most `ratio` to its load instead of multiplying it.
 */
export class RetryBudget {
  private tokens = RETRY_RESERVE;
  constructor(private readonly ratio: number) {}
  /** One call made. */
  called(): void {
    this.tokens = Math.min(RETRY_RESERVE, this.tokens + this.ratio);
  }
  /** Whether a retry may be made now (and if so, it is paid for). */
  spend(): boolean {
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * A failed attempt: the error or the 5xx answer it ended with, and whether another attempt may be
 * made. Thrown so the breaker counts it; the caller gets back what it wraps.
 */
class AttemptFailed extends Error {
  constructor(
    readonly outcome: Error | Response,
    readonly retryable: boolean,
  ) {
    super(outcome instanceof Response ? `HTTP ${outcome.status}` : outcome.message);
  }
}

/** Errors of the connection itself: the call may not have been read, and another attempt is cheap. */
const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const RETRYABLE_STATUSES = new Set([502, 503, 504]);

function isTransient(error: Error): boolean {
  const code = (error as { code?: unknown }).code ?? (error as { errno?: unknown }).errno;
  return typeof code === 'string' && TRANSIENT_CODES.has(code);
}

/** Whether a failure says something about the subgraph's health (a caller's own abort does not). */
function countsAgainst(error: Error): boolean {
  return !(error instanceof BrokenCircuitError) && error.name !== 'AbortError';
}

/**
 * Whether a subgraph call's body may change data: anything but a query (an anonymous `{ … }`
 * included) counts as a mutation, and so does a body that cannot be read. Only asked once a call
 * has failed, so a call that succeeds costs no parse.
 */
export function isMutationCall(body: unknown): boolean {
  try {
    const { query } = JSON.parse(typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : 'null') as { query?: unknown };
    if (typeof query !== 'string') return true;
    // The gateway prints the operations it sends itself: no comment precedes the keyword.
    const keyword = /^\s*(\w*)/.exec(query)![1];
    return keyword !== 'query' && keyword !== '';
  } catch {
    return true;
  }
}

/** Runs `call`; a failed attempt becomes the answer or the error it carried. */
async function lastOutcome(call: () => Promise<Response>): Promise<Response> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof AttemptFailed)) throw error;
    if (error.outcome instanceof Response) return error.outcome;
    throw error.outcome;
  }
}

/**
 * How the gateway calls subgraphs: node-fetch over keep-alive agents shared by every subgraph, so
 * a request never pays a TCP (or TLS) handshake. Not Node's global fetch (undici) on Node 20: on
 * the same calls it cost 0.29 ms of CPU per call against 0.10–0.12 ms, and opened twice the
 * connections (`npm run bench:fetch`). Each call is aborted after `timeoutMs`, so a stuck subgraph
 * fails its part of the answer instead of holding the client (and the audit event) forever.
 *
 * With `resilience`, each subgraph has a circuit breaker (cockatiel): after `breakerFailures`
 * failed calls in a row it opens, and for `breakerOpenMs` its calls fail at once with
 * `SUBGRAPH_UNAVAILABLE` (milliseconds, not the timeout); then one trial call decides whether it
 * closes again. A query call that failed on its connection or with 502/503/504 is retried up to
 * `retries` times with jittered backoff, within the subgraph's {@link RetryBudget}; a timeout is
 * not retried (it has cost its time already), nor is a mutation.
 */
export function subgraphFetchers(options: SubgraphFetcherOptions): (subgraph: string) => Fetcher {
  const { timeoutMs, keys, tls, resilience, observe } = options;
  const agents = {
    'http:': new http.Agent({ keepAlive: true }),
    'https:': new https.Agent({ keepAlive: true, minVersion: 'TLSv1.2', ...(tls?.ca ? { ca: tls.ca } : {}), ...(tls?.cert && tls.key ? { cert: tls.cert, key: tls.key } : {}) }),
  };
  const agent = (url: URL) => agents[url.protocol as keyof typeof agents];
  const policies = new Map<string, { execute: <T>(fn: () => Promise<T>) => Promise<T>; budget: RetryBudget }>();
  const policiesOf = (subgraph: string) => {
    let found = policies.get(subgraph);
    if (!found && resilience) {
      const breaker = circuitBreaker(handleWhen(countsAgainst), { halfOpenAfter: resilience.breakerOpenMs, breaker: new ConsecutiveBreaker(resilience.breakerFailures) });
      breaker.onStateChange((state) => {
        const name: BreakerState = state === CircuitState.Open || state === CircuitState.Isolated ? 'open' : state === CircuitState.HalfOpen ? 'half-open' : 'closed';
        if (name === 'open') options.log?.warn({ subgraph, failures: resilience.breakerFailures, openMs: resilience.breakerOpenMs }, 'subgraph circuit breaker opened: its calls fail at once until a trial call succeeds');
        else options.log?.info({ subgraph, state: name }, `subgraph circuit breaker ${name}`);
        options.onBreakerStateChange?.(subgraph, name);
      });
      const budget = new RetryBudget(resilience.retryBudget);
      // Retries wrap the breaker: each attempt is counted, and an open breaker is never retried.
      // The budget is paid when an attempt is found retryable (see `mayRetry`), not here: cockatiel
      // asks this filter after the last attempt too, when no retry follows.
      const retrying = retry(handleWhen((error) => error instanceof AttemptFailed && error.retryable), {
        maxAttempts: resilience.retries,
        backoff: new ExponentialBackoff({ initialDelay: 25, maxDelay: 250 }),
      });
      retrying.onRetry(() => options.onRetry?.(subgraph));
      const policy = wrap(retrying, breaker);
      found = { execute: (fn) => policy.execute(fn), budget };
      policies.set(subgraph, found);
    }
    return found;
  };
  return (subgraph) => {
    // One attempt, in a client span whose context the subgraph continues (W3C `traceparent`).
    const once = (url: string, init: RequestInit | undefined, mayRetry: () => boolean, budgetMs: number) =>
      inSpan(`subgraph ${subgraph}`, { 'frontera.subgraph': subgraph, 'http.request.method': init?.method ?? 'POST', 'url.full': spanUrl(url) }, async (span) => {
        const started = performance.now();
        const timeout = AbortSignal.timeout(budgetMs);
        const request = keys ? withCallProof(keys, subgraph, init) : init;
        const headers = { ...(request?.headers as Record<string, string> | undefined) };
        injectTraceContext(headers);
        let response: Response;
        try {
          response = await nodeFetch(url, { ...request, headers, agent, signal: init?.signal ? AbortSignal.any([init.signal as AbortSignal, timeout]) : timeout });
        } catch (error) {
          observe?.(subgraph, (performance.now() - started) / 1000, timeout.aborted ? 'timeout' : 'network');
          // @apollo/gateway hands a GraphQLError to the client as it is, with its code.
          if (timeout.aborted) throw codedError(ErrorCode.SUBGRAPH_TIMEOUT, `The ${subgraph} service did not answer within ${timeoutMs} ms; retry later`);
          if (init?.signal?.aborted || (error as Error).name === 'AbortError') throw error;
          // A subgraph that is down (refused, reset): its fields fail with a code naming it, not as an
          // INTERNAL_SERVER_ERROR carrying its internal URL, and the rest of the answer is served.
          const reason = (error as { code?: unknown }).code;
          const unreachable = codedError(ErrorCode.SUBGRAPH_ERROR, `The ${subgraph} service could not be reached${typeof reason === 'string' ? ` (${reason})` : ''}; its part of the answer is missing, retry later`);
          throw new AttemptFailed(unreachable, isTransient(error as Error) && mayRetry());
        }
        span.setAttribute('http.response.status_code', response.status);
        observe?.(subgraph, (performance.now() - started) / 1000, response.status >= 500 ? 'http_5xx' : response.status >= 400 ? 'http_4xx' : null);
        if (response.status >= 500) {
          // Read now, so the connection goes back to the pool whatever comes next; the gateway
          // still gets this answer if it is the last (see `errorFromResponse`).
          const answer = new Response(await response.text(), { status: response.status, statusText: response.statusText, headers: response.headers });
          throw new AttemptFailed(answer, RETRYABLE_STATUSES.has(response.status) && mayRetry());
        }
        return response;
      }, { kind: SpanKind.CLIENT, requireParent: true });
    const policy = policiesOf(subgraph);
    /** One call as its caller sees it: attempts through the breaker and retries, each with `budgetMs`. */
    const send = async (url: string, init?: RequestInit, budgetMs = timeoutMs): Promise<Response> => {
      if (!policy) return lastOutcome(() => once(url, init, () => false, budgetMs));
      policy.budget.called();
      let query: boolean | undefined;
      let failed = 0;
      // Asked once per failed attempt that could be retried: another attempt is left, it is a
      // query, and the subgraph's retry budget pays for it.
      const mayRetry = () => failed++ < resilience!.retries && (query ??= !isMutationCall(init?.body)) && policy.budget.spend();
      return lastOutcome(async () => {
        try {
          // Each attempt gets its own proof (a fresh nonce): a subgraph refuses a proof twice.
          return await policy.execute(() => once(url, init, mayRetry, budgetMs));
        } catch (error) {
          if (error instanceof BrokenCircuitError) {
            throw codedError(ErrorCode.SUBGRAPH_UNAVAILABLE, `The ${subgraph} service is unavailable: its last ${resilience!.breakerFailures} calls failed, so its calls fail at once for up to ${Math.ceil(resilience!.breakerOpenMs / 1000)} s; retry later`);
          }
          throw error;
        }
      });
    };
    const inflight = options.coalesce ? inflightCalls(() => options.onCoalesced?.(subgraph)) : null;
    return ((url: string, init?: RequestInit) => {
      const headers = init?.headers as Record<string, string> | undefined;
      // A call never merged may write: once it ends, later reads start afresh (see `wrote`).
      const alone = (sent: RequestInit | undefined) => (inflight ? send(url, sent).finally(() => inflight.wrote()) : send(url, sent));
      if (headers?.[SEND_ALONE_HEADER] !== undefined) {
        const { [SEND_ALONE_HEADER]: _marker, ...sent } = headers;
        return alone({ ...init, headers: sent });
      }
      const key = inflight && coalescingKey(url, headers, init?.body);
      if (!key) return alone(init);
      return inflight.run(
        key,
        (init?.signal as AbortSignal | null | undefined) ?? undefined,
        // The shared call is aborted only once every waiter has gone, not with its first caller.
        (signal) => send(url, { ...init, signal: signal as RequestInit['signal'] }),
        // A waiter that joined late has its own SUBGRAPH_TIMEOUT_MS: when the shared call times
        // out before that is spent, it tries alone with the time it has left, as it would have
        // without merging, so the first caller's deadline never cuts a later one short.
        (error, joinedAt) => {
          const left = Math.floor(timeoutMs - (performance.now() - joinedAt));
          return isTimeout(error) && left >= 1 ? send(url, init, left) : null;
        },
      );
    }) as unknown as Fetcher;
  };
}

/** `init` with the call's proof added, when it carries a subgraph token and a request id. */
function withCallProof(keys: GatewayKeyRing, subgraph: string, init: RequestInit | undefined): RequestInit | undefined {
  // @apollo/gateway passes the headers as a plain object with lower-case names.
  const headers = init?.headers as Record<string, string> | undefined;
  const token = headers?.authorization?.startsWith('Bearer ') ? headers.authorization.slice(7) : undefined;
  const requestId = headers?.['x-request-id'];
  if (!token || !requestId) return init;
  const body = typeof init?.body === 'string' || Buffer.isBuffer(init?.body) ? init.body : '';
  const proof = proveSubgraphCall(keys.signing(), subgraph, { token, requestId, bodyDigest: bodyDigest(body) });
  return { ...init, headers: { ...headers, [CALL_PROOF_HEADER]: proof } };
}

/** What a subgraph call needs from the gateway's request context. */
export interface SubgraphCallContext {
  principal: Principal | null;
  /** The client's verified bearer token: subgraph tokens are signed, and reused, per client token. */
  bearer: string | null;
  purpose: string | null;
  record: RequestRecord;
}

/**
 * One subgraph as the gateway calls it: each call carries a short-lived token signed for this
 * subgraph only (audience = its name, expiry no later than the client token's) and the request
 * id, so one request can be followed across subgraph logs, and the fetcher adds the proof that
 * binds both to the body; the records the subgraph reports go into the request's access event, never to
 * the client; and a subgraph's refusal (HTTP 4xx with GraphQL errors, e.g. a value its scalars
 * reject) reaches the client as that error instead of "400: Bad Request" with an internal URL.
 */
export class SubgraphDataSource<Context extends SubgraphCallContext> extends RemoteGraphQLDataSource<Context> {
  constructor(
    private readonly subgraph: string,
    private readonly mint: ReturnType<typeof subgraphTokenMinter>,
    options: ConstructorParameters<typeof RemoteGraphQLDataSource<Context>>[0],
  ) {
    super(options);
  }

  override async willSendRequest(options: Parameters<NonNullable<RemoteGraphQLDataSource<Context>['willSendRequest']>>[0]): Promise<void> {
    const { request, context } = options;
    const { principal, bearer, record } = context;
    if (!principal || !bearer) throw unauthenticated('no caller identity to forward');
    const token = await this.mint(bearer, { audience: this.subgraph, principal, purpose: context.purpose });
    request.http?.headers.set('authorization', `Bearer ${token}`);
    request.http?.headers.set('x-request-id', record.requestId);
    // A mutation's calls, its reads after the write included, are never merged with another request's.
    if ('incomingRequestContext' in options && options.incomingRequestContext.operation?.operation !== 'query') {
      request.http?.headers.set(SEND_ALONE_HEADER, '1');
    }
    record.calledSubgraph(this.subgraph);
  }

  override didReceiveResponse({ response, context }: Parameters<NonNullable<RemoteGraphQLDataSource<Context>['didReceiveResponse']>>[0]) {
    context.record.returned(takeRecords(response));
    return response;
  }

  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    const body = await this.parseBody(response).catch(() => null);
    const first = (body as { errors?: { message?: unknown; extensions?: { code?: unknown } }[] } | null)?.errors?.[0];
    if (response.status < 500 && typeof first?.message === 'string') {
      const code = typeof first.extensions?.code === 'string' ? first.extensions.code : ErrorCode.BAD_REQUEST;
      return new GraphQLError(first.message, { extensions: { code } });
    }
    const code = response.status === 401 ? ErrorCode.UNAUTHENTICATED : ErrorCode.SUBGRAPH_ERROR;
    return new GraphQLError(`A subgraph request failed with HTTP ${response.status}`, { extensions: { code } });
  }
}

/** A URL as a span may carry it: no credentials, no query string (either could hold a secret). */
function spanUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return 'unparseable';
  }
}
