import type { IncomingMessage, ServerResponse } from 'node:http';

/** Who may call from a browser page on another origin, and for how long a preflight answer holds. */
export interface CorsOptions {
  /** Exact origins (`scheme://host[:port]`) whose pages may call; empty: none (no CORS header is ever sent). */
  origins: readonly string[];
  /** How long a browser may reuse a preflight answer, in seconds. */
  maxAgeSeconds: number;
}

/** The methods `/graphql` serves (GraphQL over HTTP: GET for queries, POST for everything). */
export const CORS_METHODS = ['GET', 'POST'] as const;

/**
 * Request headers a page may send: the GraphQL-over-HTTP ones, the hub's own (`authorization`,
 * `x-purpose`, `x-request-id`), Apollo's client identification and the header Apollo's CSRF
 * prevention asks browsers to send on GET (`apollo-require-preflight`, `x-apollo-operation-name`).
 */
export const CORS_REQUEST_HEADERS = [
  'accept',
  'content-type',
  'authorization',
  'x-purpose',
  'x-request-id',
  'apollographql-client-name',
  'apollographql-client-version',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'traceparent',
  'tracestate',
] as const;

/** Response headers a page may read besides the CORS-safelisted ones (the request id to quote, when to retry). */
export const CORS_EXPOSED_HEADERS = ['x-request-id', 'retry-after'] as const;

/**
 * Whether `value` is an origin exactly as browsers send it in `Origin` (`scheme://host[:port]`,
 * lower case, no path, no trailing slash, default port omitted): the list is compared byte for
 * byte, so anything else could never match.
 */
export function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
  } catch {
    return false;
  }
}

/** What {@link applyCors} did with a request. */
export type CorsVerdict =
  /** A preflight: answered here (204), with allow headers only when origin, method and headers are all allowed. */
  | 'preflight'
  /** Not a preflight: continue; the answer carries allow headers when the origin is allowed. */
  | 'continue';

/**
 * CORS for `/graphql`. A preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`)
 * is answered 204 at once: with the allow headers when the origin is in the list and the method
 * and headers asked for are served, and without any otherwise, so the browser refuses the call
 * (a refusal is not an error of the server's: no status other than 204 tells a page anything
 * more). Any other request from an allowed origin gets `Access-Control-Allow-Origin` on its
 * answer; from any other origin, nothing, and the browser withholds the answer from the page.
 * Credentials (cookies) are never allowed: callers authenticate with a bearer token.
 */
const EXPOSED = CORS_EXPOSED_HEADERS.join(', ');
const METHODS = CORS_METHODS.join(', ');
const REQUEST_HEADERS = CORS_REQUEST_HEADERS.join(', ');

export function applyCors(req: IncomingMessage, res: ServerResponse, options: CorsOptions): CorsVerdict {
  const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
  const requestedMethod = req.headers['access-control-request-method'];
  const preflight = req.method === 'OPTIONS' && origin !== undefined && typeof requestedMethod === 'string';
  const allowed = origin !== undefined && options.origins.includes(origin);
  if (!preflight) {
    // Caches must not give one origin's answer to another.
    if (options.origins.length) res.setHeader('vary', 'origin');
    if (allowed) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-expose-headers', EXPOSED);
    }
    return 'continue';
  }
  const method = requestedMethod.toUpperCase();
  const headers = String(req.headers['access-control-request-headers'] ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  const served = (CORS_METHODS as readonly string[]).includes(method) && headers.every((h) => (CORS_REQUEST_HEADERS as readonly string[]).includes(h));
  if (allowed && served) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-allow-methods', METHODS);
    res.setHeader('access-control-allow-headers', REQUEST_HEADERS);
    res.setHeader('access-control-max-age', String(options.maxAgeSeconds));
  }
  res.setHeader('vary', 'origin, access-control-request-method, access-control-request-headers');
  res.setHeader('content-length', '0');
  res.writeHead(204);
  res.end();
  return 'preflight';
}
