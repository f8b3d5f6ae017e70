import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { Classification, DEMO_ORGANISATIONS, isClassification, mintToken, Role, type LocalIssuer } from '../identity';
import { ErrorCode } from '../platform/errors';
import { sendError, sendJson, type Route } from '../platform/http';
import type { Logger } from '../platform/logger';

/** Where the console is served: its page, its assets, its development sign-in. */
export const CONSOLE_PATH = '/console';

/** The console's name towards the hub (`apollographql-client-name`), and its manifest's. */
export const CONSOLE_CLIENT_NAME = 'frontera-console';

/** The console's trusted-document manifest in its build. */
export const consoleManifest = (dir: string) => path.join(dir, `${CONSOLE_CLIENT_NAME}.json`);

/**
 * Only the console's own files and the hub's GraphQL endpoint: no inline script or style, no
 * other origin, not framed. The console needs nothing else.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** Development tokens live this long; the console mints a new one shortly before. */
const DEVELOPMENT_TOKEN_SECONDS = 3600;

interface StaticFile {
  body: Buffer;
  type: string;
  /** Assets have content hashes in their names: cached for good. The page is revalidated. */
  cache: string;
}

/** The build's page and assets, read once: the console is a few hundred kilobytes. */
function readBuild(dir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const index = path.join(dir, 'index.html');
  if (!existsSync(index)) return files;
  files.set('/', { body: readFileSync(index), type: TYPES['.html'], cache: 'no-cache' });
  const assets = path.join(dir, 'assets');
  if (existsSync(assets) && statSync(assets).isDirectory()) {
    for (const name of readdirSync(assets)) {
      const type = TYPES[path.extname(name)];
      if (type) files.set(`/assets/${name}`, { body: readFileSync(path.join(assets, name)), type, cache: 'public, max-age=31536000, immutable' });
    }
  }
  return files;
}

function send(res: ServerResponse, file: StaticFile, head: boolean): void {
  res.writeHead(200, {
    'content-type': file.type,
    'content-length': file.body.length,
    'cache-control': file.cache,
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
  });
  res.end(head ? undefined : file.body);
}

async function readSmallJson(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new Error('too large');
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

const organisations = DEMO_ORGANISATIONS.map(({ code, name }) => ({ code, name }));
const roles = Object.values(Role);
const clearances = Object.values(Classification);

/**
 * How to sign in, for the console's first screen (`GET /console/sign-in`): with the development
 * issuer, what may be picked; without, `null` (paste a token from the organisation's issuer).
 */
const signInOptions = (development: boolean): Route => (_req, res) => sendJson(res, 200, { developmentIssuer: development ? { organisations, roles, clearances } : null });

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Why a development sign-in request is refused, or `null`: it mints any role, so only a caller
 * on this machine (not another host that reaches the port) and only the console's own page (not a
 * page of another origin posting through the user's browser) may use it.
 */
export function developmentSignInRefusal(req: Pick<IncomingMessage, 'headers' | 'socket'>): string | null {
  if (!LOOPBACK.has(req.socket.remoteAddress ?? '')) {
    return 'The development sign-in answers callers on the hub’s own machine only; elsewhere get a token with npm run token (or from your organisation’s issuer) and paste it';
  }
  const origin = req.headers.origin;
  let sameOrigin = origin === undefined;
  try {
    sameOrigin ||= new URL(String(origin)).host === req.headers.host;
  } catch {
    sameOrigin = false;
  }
  const site = req.headers['sec-fetch-site'];
  if (!sameOrigin || (site !== undefined && site !== 'same-origin' && site !== 'none')) {
    return 'The development sign-in answers the console’s own page only, not a request from another origin';
  }
  return null;
}

/**
 * The development sign-in, `POST {organisation, role, clearance}` to `/console/dev-token`: a
 * token from the local issuer. Only wired when the hub runs outside production with its local
 * issuer on, so the bundle holds no secret and a production hub mints nothing; and only for
 * loopback, same-origin callers (see `developmentSignInRefusal`).
 */
function developmentSignIn(issuer: LocalIssuer, log: Logger): Route {
  return async (req, res) => {
    if (req.method !== 'POST') return sendError(res, 405, ErrorCode.METHOD_NOT_ALLOWED, 'POST {organisation, role, clearance}');
    const refusal = developmentSignInRefusal(req);
    if (refusal) return sendError(res, 403, ErrorCode.FORBIDDEN, refusal);
    // A page of another origin could post here but never read the answer (no CORS): still, only JSON bodies.
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) return sendError(res, 415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'Send application/json');
    let body: { organisation?: unknown; role?: unknown; clearance?: unknown };
    try {
      body = (await readSmallJson(req, 1024)) as typeof body;
    } catch {
      return sendError(res, 400, ErrorCode.BAD_REQUEST, 'Send {"organisation", "role", "clearance"} as JSON');
    }
    const organisation = organisations.find((o) => o.code === body?.organisation)?.code;
    const role = roles.find((r) => r === body?.role);
    if (!organisation || !role || !isClassification(body.clearance)) {
      return sendError(res, 400, ErrorCode.BAD_USER_INPUT, `organisation must be one of ${organisations.map((o) => o.code).join(', ')}; role one of ${roles.join(', ')}; clearance one of ${clearances.join(', ')}`);
    }
    const token = await mintToken(issuer, {
      subject: `console.${organisation}.${role.toLowerCase()}`,
      organisation,
      roles: [role],
      scopes: [],
      clearance: body.clearance,
      ttlSeconds: DEVELOPMENT_TOKEN_SECONDS,
    });
    // Who was handed which role, never the token.
    log.info({ organisation, role, clearance: body.clearance }, 'development sign-in: token minted for the console');
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify({ token }));
  };
}

/**
 * The console's routes under CONSOLE_PATH: the page (for every path that is not an asset, so a
 * bookmarked view loads), its hashed assets, and the development sign-in when `developmentIssuer`
 * is given. A hub without a build answers 404 with how to build it.
 */
export function consoleRoutes(options: { dir: string; developmentIssuer: LocalIssuer | null; log: Logger }): Route {
  const files = readBuild(options.dir);
  if (!files.size) options.log.warn({ dir: options.dir }, 'the console is on but not built: run npm run console:build');
  const signIn = options.developmentIssuer ? developmentSignIn(options.developmentIssuer, options.log) : null;
  const howToSignIn = signInOptions(signIn !== null);
  return (req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://local');
    const local = pathname.slice(CONSOLE_PATH.length) || '';
    if (local === '/sign-in' && req.method === 'GET') return howToSignIn(req, res);
    if (local === '/dev-token') {
      if (signIn) return signIn(req, res);
      return sendError(res, 404, ErrorCode.NOT_FOUND, 'No development sign-in: the local issuer is off or NODE_ENV=production; paste a token from your organisation’s issuer');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, ErrorCode.METHOD_NOT_ALLOWED, 'The console is read with GET');
    if (local === '') {
      res.writeHead(308, { location: `${CONSOLE_PATH}/` });
      res.end();
      return;
    }
    if (!files.size) return sendError(res, 404, ErrorCode.NOT_FOUND, 'The console is not built: run npm run console:build');
    const file = files.get(local) ?? (local.startsWith('/assets/') ? undefined : files.get('/'));
    if (!file) return sendError(res, 404, ErrorCode.NOT_FOUND, `No console file ${local}`);
    send(res, file, req.method === 'HEAD');
  };
}
