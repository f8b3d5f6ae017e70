import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JSONWebKeySet } from 'jose';
import { verifyNotification, type HitNotificationClaims } from '../subgraphs/operations/notifications/signature';

/** One POST the receiver got, and what it made of it. */
export interface ReceivedNotification {
  organisation: string;
  idempotencyKey: string | undefined;
  attempt: string | undefined;
  contentType: string | undefined;
  body: string;
  /** The verified claims; `null` when the signature (or anything else) did not verify. */
  claims: HitNotificationClaims | null;
  /** Why it did not verify. */
  error: string | null;
  /** A verified notification whose idempotency key was seen before. */
  duplicate: boolean;
  receivedAt: number;
}

/**
 * A webhook receiver as an organisation would run one, on 127.0.0.1: each POST to
 * `/hooks/<organisation>` is verified with the hub's published JWKS (fetched from the gateway, as
 * a receiver would), addressed to that organisation, deduplicated by idempotency key, and recorded.
 * `mode` decides the answer: `ok` 204 to what verifies (400 to the rest), `fail` 503 to everything,
 * `down` none: every connection is closed as soon as it is accepted, as by an endpoint that is down
 * (a port nobody listens on could be taken by another socket meanwhile).
 */
export class NotificationReceiver {
  readonly received: ReceivedNotification[] = [];
  mode: 'ok' | 'fail' | 'down' = 'ok';
  /** Waits this long before answering (a slow endpoint). */
  delayMs = 0;
  /** Requests being answered now. */
  inFlight = 0;
  private readonly seen = new Set<string>();
  private server: Server | null = null;
  private jwks: JSONWebKeySet | null = null;

  constructor(private readonly jwksUrl: () => string) {}

  /** Listens on `port` (0: a free one) and returns it. */
  async listen(port = 0): Promise<number> {
    const server = createServer((req, res) => {
      void this.handle(req).then(
        (status) => res.writeHead(status).end(),
        () => res.writeHead(500).end(),
      );
    });
    server.on('connection', (socket) => {
      if (this.mode === 'down') socket.destroy();
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
    this.server = server;
    return (server.address() as AddressInfo).port;
  }

  url(port: number, organisation: string): string {
    return `http://127.0.0.1:${port}/hooks/${organisation}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** What a receiver does with a body: verify it for `organisation`, and tell a replay by its key. */
  async verify(body: string, organisation: string, options: { now?: Date } = {}): Promise<{ claims: HitNotificationClaims | null; error: string | null; duplicate: boolean }> {
    this.jwks ??= (await (await fetch(this.jwksUrl())).json()) as JSONWebKeySet;
    try {
      const claims = await verifyNotification(body, this.jwks, organisation, options);
      const duplicate = this.seen.has(claims.jti);
      this.seen.add(claims.jti);
      return { claims, error: null, duplicate };
    } catch (error) {
      return { claims: null, error: (error as Error).message, duplicate: false };
    }
  }

  /** Verified deliveries to `organisation`, the first of each idempotency key only. */
  accepted(organisation?: string): ReceivedNotification[] {
    return this.received.filter((r) => r.claims && !r.duplicate && (!organisation || r.organisation === organisation));
  }

  private async handle(req: IncomingMessage): Promise<number> {
    this.inFlight += 1;
    try {
      return await this.answer(req);
    } finally {
      this.inFlight -= 1;
    }
  }

  private async answer(req: IncomingMessage): Promise<number> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const body = Buffer.concat(chunks).toString('utf8');
    const organisation = (req.url ?? '').replace(/^\/hooks\//, '');
    if (this.mode === 'fail') {
      this.received.push({ organisation, idempotencyKey: header(req, 'idempotency-key'), attempt: header(req, 'x-frontera-attempt'), contentType: header(req, 'content-type'), body, claims: null, error: 'answered 503', duplicate: false, receivedAt: Date.now() });
      return 503;
    }
    const { claims, error, duplicate } = await this.verify(body, organisation);
    // The signed key must be the one in the header: a header alone proves nothing.
    const keyMatches = claims?.jti === header(req, 'idempotency-key');
    this.received.push({ organisation, idempotencyKey: header(req, 'idempotency-key'), attempt: header(req, 'x-frontera-attempt'), contentType: header(req, 'content-type'), body, claims: keyMatches ? claims : null, error: keyMatches ? error : 'idempotency key does not match', duplicate, receivedAt: Date.now() });
    return claims && keyMatches ? 204 : 400;
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** Polls `check` every 25 ms until it returns a truthy value, or fails after `timeoutMs` saying what was awaited. */
export async function eventually<T>(what: string, check: () => Promise<T | null | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
