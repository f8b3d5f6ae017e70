import { createHash } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLRequest } from '@apollo/server';
import { applyCors, type CorsOptions } from './cors';
import { ErrorCode, statusOf } from './errors';
import { endSpan, startServerSpan, traceContext, tracingActive, type IncomingTraceContext } from './tracing';

/** SHA-256 of a request body exactly as sent: what a subgraph call's proof binds (both sides compute it here). */
export function bodyDigest(body: string | Buffer): Buffer {
  return createHash('sha256').update(body).digest();
}

/** `/health/live`: the process answers. */
export const LIVENESS_PATH = '/health/live';
export const liveness: Route = (_req, res) => sendJson(res, 200, { status: 'live' });

/** The readiness probe's path: answered 503 by the service itself while it drains. */
export const READINESS_PATH = '/health/ready';

/** A handler for a plain HTTP route next to `/graphql` (health checks). */
export type Route = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface HttpServiceOptions<Context extends BaseContext> {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Largest request body accepted, in bytes; larger ones get 413 before any parsing. */
  maxBodyBytes: number;
  /** Longest a client may take to send a request's headers and body, in ms; then 408 and the connection is closed. */
  requestTimeoutMs: number;
  /**
   * Builds the GraphQL context from the request as Apollo Server will read it (body parsed, not
   * yet checked); may throw a GraphQLError with `extensions.http.status`.
   */
  context(req: IncomingMessage, request: HTTPGraphQLRequest): Promise<Context>;
  routes?: Record<string, Route>;
  /**
   * Routes that answer every method at their path and every path under it (`/console` answers
   * `/console/assets/…` too): a small site served beside the API (the web console).
   */
  sites?: Record<string, Route>;
  /** Serve HTTPS with this certificate instead of plain HTTP; with `clientCa`, require client certificates (mutual TLS). */
  tls?: TlsServerOptions;
  /** Keep the SHA-256 of each raw request body for {@link receivedBodyDigest} (subgraphs check it against the gateway's proof). */
  digestBody?: boolean;
  /**
   * Called before a request is refused at the HTTP level (413, 405, 415, malformed JSON, a batch),
   * and after one whose body never fully arrived (`REQUEST_INCOMPLETE`), so the
   * refusal can be logged; if it throws a GraphQLError with `extensions.http.status`, that
   * answer is sent instead.
   */
  onRefused?(req: IncomingMessage, code: string): Promise<void>;
  /**
   * Called before an HTTP error answer from Apollo Server (status 400 or more) is sent, with its
   * status and first error code: Apollo refuses some requests before any plugin sees them (CSRF
   * prevention, a body that is not a GraphQL request, a failed context), so this is where they
   * can be logged. Throwing works as for `onRefused`.
   */
  onErrorAnswer?(req: IncomingMessage, answer: { status: number; code: string }): Promise<void>;
  /**
   * CORS for `/graphql` (the gateway; subgraphs are never called from browsers): preflights are
   * answered before anything else and are not requests (no `onRefused`, no access event); unset,
   * no CORS header is sent and `OPTIONS` is refused like any other method.
   */
  cors?: CorsOptions;
  /**
   * Called once a `/graphql` request has been answered (or its connection closed): what a
   * request holds for as long as it runs (a concurrency slot) is given back here.
   */
  onFinished?(req: IncomingMessage): void;
  /** Called for each request still running when a drain ends at its deadline or is forced, before `drain` resolves. */
  onCut?(req: IncomingMessage): Promise<void>;
  /**
   * With tracing on, each `/graphql` request runs in a server span of this name; `incoming` says
   * whether a caller's `traceparent` is continued or a new trace starts.
   */
  trace?: { name: string; incoming: IncomingTraceContext };
}

/** PEM contents of a server's TLS material. */
export interface TlsServerOptions {
  cert: string | Buffer;
  key: string | Buffer;
  /**
   * CA(s) that client certificates must chain to. When set, a client without a valid certificate
   * is refused during the handshake, before any HTTP is read.
   */
  clientCa?: string | Buffer;
}

const bodyDigests = new WeakMap<IncomingMessage, Buffer>();

/** SHA-256 of the body `req` arrived with, as read (for a server with `digestBody`); `undefined` before it was read. */
export function receivedBodyDigest(req: IncomingMessage): Buffer | undefined {
  return bodyDigests.get(req);
}

export interface HttpService {
  url: string;
  port: number;
  /**
   * Stops taking requests and waits for those in flight: readiness (`/health/ready`) answers 503
   * at once (the socket stays open so that load balancers read it), idle connections close and
   * every response closes its connection; for `leadMs` new requests are still served (a balancer
   * checking readiness takes this instance out meanwhile), then a new request gets 503
   * `SHUTTING_DOWN` with `retry-after` (and is logged through `onRefused`). The lead counts
   * within `deadlineMs`, and `force` ends it. Resolves
   * when nothing is in flight, or at `deadlineMs` or when `force` aborts, with the requests still
   * running then, once `onCut` has seen each and their connections are closed (nothing they
   * produce later reaches the client).
   */
  drain(deadlineMs: number, force?: AbortSignal, leadMs?: number): Promise<IncomingMessage[]>;
  /** Stops Apollo Server and closes every connection (those of requests still running too). */
  close(): Promise<void>;
}

/** Writes a GraphQL-shaped error body, so every failure a client sees has the same form. */
export function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}

class BodyTooLarge extends Error {}

/** Bodies Apollo Server reads for POST; any other content type is refused with 415. */
const JSON_BODY = /^application\/(graphql-response\+)?json\s*(;|$)/i;

/** The first error code of a GraphQL error body, if it is one. */
function firstErrorCode(body: string): string | null {
  try {
    const code = (JSON.parse(body) as { errors?: { extensions?: { code?: unknown } }[] }).errors?.[0]?.extensions?.code;
    return typeof code === 'string' ? code : null;
  } catch {
    return null;
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return reject(new BodyTooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Serves an Apollo Server at `/graphql` on Node's own HTTP server: the one HTTP integration of the
 * hub, shared by the gateway and every subgraph (keep-alive on, bounded bodies, JSON errors). Only
 * GET and POST with one JSON object reach Apollo Server: other methods (405), other content types
 * (415), malformed JSON and batches (a JSON array; 400) are refused here, each through `onRefused`.
 */
export async function serveGraphQL<Context extends BaseContext>(
  apollo: ApolloServer<Context>,
  options: HttpServiceOptions<Context>,
): Promise<HttpService> {
  await apollo.start();
  // Node checks the two timeouts below only this often (30 s by default), so a slow client
  // could otherwise hold its connection that much longer than the bound.
  const timeouts = { requestTimeout: options.requestTimeoutMs, headersTimeout: options.requestTimeoutMs, connectionsCheckingInterval: Math.min(1_000, options.requestTimeoutMs) };
  const serve = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, ErrorCode.INTERNAL_SERVER_ERROR, 'Unexpected error');
      else res.destroy(error as Error);
    });
  };
  const traced = options.trace && tracingActive() ? options.trace : null;
  const listener = !traced ? serve : (req: IncomingMessage, res: ServerResponse) => {
    // Health probes are not traced: a trace per probe would drown the requests'.
    if (!req.url?.startsWith('/graphql')) return serve(req, res);
    const { span, context } = startServerSpan(traced.name, req.headers, traced.incoming, {
      'http.request.method': req.method ?? 'GET',
      'url.path': '/graphql',
      'server.port': (server.address() as AddressInfo | null)?.port ?? 0,
    });
    res.once('close', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      endSpan(span, res.statusCode >= 500 ? new Error(`HTTP ${res.statusCode}`) : undefined);
    });
    traceContext.with(context, serve, undefined, req, res);
  };
  const { tls } = options;
  const server = tls
    ? https.createServer(
      {
        ...timeouts,
        cert: tls.cert,
        key: tls.key,
        minVersion: 'TLSv1.2',
        ...(tls.clientCa ? { ca: tls.clientCa, requestCert: true, rejectUnauthorized: true } : {}),
      },
      listener,
    )
    : http.createServer(timeouts, listener);
  server.keepAliveTimeout = 65_000;
  /** Readiness answers 503 and connections close after each response. */
  let draining = false;
  /** New requests are refused (`SHUTTING_DOWN`): from the end of the drain's lead on. */
  let refusing = false;
  const inFlight = new Set<IncomingMessage>();
  /** Wakes `drain` each time a request ends. */
  let requestEnded: () => void = () => undefined;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    if (draining) {
      res.setHeader('connection', 'close');
      if (url.pathname === READINESS_PATH) return sendJson(res, 503, { status: 'draining' });
    }
    const route = options.routes?.[url.pathname];
    if (route && req.method === 'GET') return route(req, res);
    const site = options.sites && Object.entries(options.sites).find(([prefix]) => url.pathname === prefix || url.pathname.startsWith(`${prefix}/`));
    if (site) return site[1](req, res);
    if (url.pathname !== '/graphql') return sendError(res, 404, ErrorCode.NOT_FOUND, `No route ${url.pathname}: GraphQL is served at /graphql`);
    // A preflight carries no credentials and asks for no data: answered before anything else.
    if (options.cors && applyCors(req, res, options.cors) === 'preflight') return;
    inFlight.add(req);
    res.once('close', () => {
      inFlight.delete(req);
      options.onFinished?.(req);
      requestEnded();
    });

    /** Runs a logging hook; if it fails, its error is the answer and `false` is returned. */
    const logged = async (hook: () => Promise<void> | undefined): Promise<boolean> => {
      try {
        await hook();
        return true;
      } catch (error) {
        const { extensions } = error as { extensions?: { code?: string; http?: { status?: number } } };
        sendError(res, extensions?.http?.status ?? 500, extensions?.code ?? ErrorCode.INTERNAL_SERVER_ERROR, (error as Error).message);
        return false;
      }
    };
    const refuse = async (code: ErrorCode, message: string, headers: Record<string, string> = {}) => {
      if (!(await logged(() => options.onRefused?.(req, code)))) return;
      for (const [key, value] of Object.entries(headers)) res.setHeader(key, value);
      sendError(res, statusOf(code), code, message);
    };
    // The body is read (within the limit) before any other refusal, so none leaves an unbounded
    // body for Node to drain.
    let raw: string;
    if (refusing) {
      await readBody(req, options.maxBodyBytes).catch(() => undefined);
      return refuse(ErrorCode.SHUTTING_DOWN, 'This service is shutting down: retry, another instance will answer', { 'retry-after': '1' });
    }
    try {
      const bytes = await readBody(req, options.maxBodyBytes);
      if (options.digestBody) bodyDigests.set(req, bodyDigest(bytes));
      raw = bytes.toString('utf8');
    } catch (error) {
      if (error instanceof BodyTooLarge) return refuse(ErrorCode.PAYLOAD_TOO_LARGE, `Request body is larger than ${options.maxBodyBytes} bytes`);
      // Cut off by REQUEST_TIMEOUT_MS (Node has answered 408 and closed the connection) or
      // abandoned by the client: nothing can be answered, but the attempt is still logged.
      await options.onRefused?.(req, ErrorCode.REQUEST_INCOMPLETE).catch(() => undefined);
      return;
    }
    const method = (req.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'POST') {
      return refuse(ErrorCode.METHOD_NOT_ALLOWED, `${method} is not supported: send POST (or GET for queries) to /graphql`, { allow: 'GET, POST' });
    }
    const contentType = req.headers['content-type'] ?? '';
    if (method === 'POST' && !JSON_BODY.test(contentType)) {
      return refuse(ErrorCode.UNSUPPORTED_MEDIA_TYPE, `POST bodies must be "content-type: application/json"; got ${contentType ? JSON.stringify(contentType.slice(0, 100)) : 'none'}`);
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown = raw;
    if (method === 'POST') {
      try {
        body = JSON.parse(raw);
      } catch {
        return refuse(ErrorCode.BAD_REQUEST, 'Request body is not valid JSON: send {"query": "...", "variables": {...}}');
      }
      if (Array.isArray(body)) return refuse(ErrorCode.BAD_REQUEST, 'Batched requests (a JSON array) are not accepted: send one operation per request, as {"query": "...", "variables": {...}}');
      if (body === null || typeof body !== 'object') return refuse(ErrorCode.BAD_REQUEST, 'Request body must be a JSON object: {"query": "...", "variables": {...}}');
    }
    const httpGraphQLRequest: HTTPGraphQLRequest = { method, headers, search: url.search, body };
    const response = await apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest, context: () => options.context(req, httpGraphQLRequest) });
    const status = response.status ?? 200;
    if (status >= 400 && options.onErrorAnswer && response.body.kind === 'complete') {
      const { string } = response.body;
      if (!(await logged(() => options.onErrorAnswer?.(req, { status, code: firstErrorCode(string) ?? (status >= 500 ? ErrorCode.INTERNAL_SERVER_ERROR : ErrorCode.BAD_REQUEST) })))) return;
    }
    for (const [key, value] of response.headers) {
      // CORS has set `vary: origin` already: both must reach caches.
      const before = key === 'vary' ? res.getHeader('vary') : undefined;
      res.setHeader(key, before ? `${String(before)}, ${value}` : value);
    }
    // A request that was running when the drain began: its connection closes after this answer.
    if (draining) res.setHeader('connection', 'close');
    res.statusCode = status;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const closed = new Promise<void>((resolve) => server.once('close', () => resolve()));
  const service: HttpService = {
    url: `${tls ? 'https' : 'http'}://${options.host === '0.0.0.0' ? 'localhost' : options.host}:${port}/graphql`,
    port,
    async drain(deadlineMs, force, leadMs = 0) {
      const deadline = Date.now() + deadlineMs;
      if (!draining) {
        draining = true;
        const lead = Math.min(leadMs, deadlineMs);
        if (lead > 0 && !force?.aborted) {
          // Readiness says 503 from now on; requests that reach us before the balancer has seen
          // it are still served rather than refused.
          await new Promise<void>((resolve) => {
            const timer = setTimeout(done, lead);
            function done() {
              clearTimeout(timer);
              force?.removeEventListener('abort', done);
              resolve();
            }
            force?.addEventListener('abort', done, { once: true });
          });
        }
        refusing = true;
        // Idle keep-alive connections close now, busy ones after their response. Not during the
        // lead: a balancer may be sending a request on an idle connection just as it closes, a
        // request it cannot safely send again (it may be a write); those are served instead, and
        // every response meanwhile closes its connection.
        server.closeIdleConnections();
      }
      const wake = () => requestEnded();
      force?.addEventListener('abort', wake, { once: true });
      while (inFlight.size && Date.now() < deadline && !force?.aborted) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(250, Math.max(0, deadline - Date.now())));
          requestEnded = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      force?.removeEventListener('abort', wake);
      requestEnded = () => undefined;
      const cut = [...inFlight];
      await Promise.all(cut.map((req) => options.onCut?.(req)));
      // Recorded as cut: whatever the request would still produce must not reach its client.
      for (const req of cut) req.socket.destroy();
      return cut;
    },
    async close() {
      if (!draining) await service.drain(0);
      server.close();
      await apollo.stop();
      server.closeAllConnections();
      await closed;
    },
  };
  return service;
}

/** Sends a small JSON document (health endpoints). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
