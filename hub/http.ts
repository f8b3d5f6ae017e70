import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';

/** A handler for a plain HTTP route next to `/graphql` (health checks). */
export type Route = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface HttpServiceOptions<Context extends BaseContext> {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Largest request body accepted, in bytes; larger ones get 413 before any parsing. */
  maxBodyBytes: number;
  /** Builds the GraphQL context; may throw a GraphQLError with `extensions.http.status`. */
  context(req: IncomingMessage): Promise<Context>;
  routes?: Record<string, Route>;
  /**
   * Called before a request is refused at the HTTP level (413, malformed JSON) so the refusal can
   * be logged; if it throws a GraphQLError with `extensions.http.status`, that answer is sent instead.
   */
  onRefused?(req: IncomingMessage, code: string): Promise<void>;
}

export interface HttpService {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Writes a GraphQL-shaped error body, so every failure a client sees has the same form. */
export function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
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
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Serves an Apollo Server at `/graphql` on Node's own HTTP server: the one HTTP integration of the
 * hub, shared by the gateway and every subgraph (keep-alive on, bounded bodies, JSON errors).
 */
export async function serveGraphQL<Context extends BaseContext>(
  apollo: ApolloServer<Context>,
  options: HttpServiceOptions<Context>,
): Promise<HttpService> {
  await apollo.start();
  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, 'INTERNAL_SERVER_ERROR', 'Unexpected error');
      else res.destroy(error as Error);
    });
  });
  server.keepAliveTimeout = 65_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    const route = options.routes?.[url.pathname];
    if (route && req.method === 'GET') return route(req, res);
    if (url.pathname !== '/graphql') return sendError(res, 404, 'NOT_FOUND', `No route ${url.pathname}: GraphQL is served at /graphql`);

    const refuse = async (status: number, code: string, message: string) => {
      try {
        await options.onRefused?.(req, code);
      } catch (error) {
        const { extensions } = error as { extensions?: { code?: string; http?: { status?: number } } };
        return sendError(res, extensions?.http?.status ?? 500, extensions?.code ?? 'INTERNAL_SERVER_ERROR', (error as Error).message);
      }
      sendError(res, status, code, message);
    };
    let raw: string;
    try {
      raw = await readBody(req, options.maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLarge) return refuse(413, 'PAYLOAD_TOO_LARGE', `Request body is larger than ${options.maxBodyBytes} bytes`);
      throw error;
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown = raw;
    if (req.method === 'POST' && /^application\/(graphql-response\+)?json\b/i.test(headers.get('content-type') ?? '')) {
      try {
        body = raw.length ? JSON.parse(raw) : undefined;
      } catch {
        return refuse(400, 'BAD_REQUEST', 'Request body is not valid JSON: send {"query": "...", "variables": {...}}');
      }
    }
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: (req.method ?? 'GET').toUpperCase(), headers, search: url.search, body },
      context: () => options.context(req),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
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
  return {
    url: `http://${options.host === '0.0.0.0' ? 'localhost' : options.host}:${port}/graphql`,
    port,
    async close() {
      await apollo.stop();
      server.closeIdleConnections();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        setTimeout(() => server.closeAllConnections(), 2_000).unref();
      });
    },
  };
}

/** Sends a small JSON document (health endpoints). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
