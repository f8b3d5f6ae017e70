import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a {@link slowSubgraph} did: calls it held, and calls it has let through since. */
export interface SlowSubgraph {
  /** `http://127.0.0.1:<port>/graphql`, once listening. */
  listen(): Promise<string>;
  /** How long each held call waits now, in ms (changeable between cases). */
  holdMs: number;
  readonly held: number;
  /** Distinct requests (`x-request-id`) among the held calls: a request may make several. */
  readonly heldRequests: number;
  readonly released: number;
  /** Resolves once `count` calls are held: their requests are surely in flight. */
  holding(count: number, timeoutMs?: number): Promise<void>;
  /** Counts from zero again. */
  reset(): void;
  close(): Promise<void>;
}

/**
 * A subgraph that answers late: forwards every call unchanged to `target()` (its call proof covers
 * the body and request id, so nothing may change), holding the calls `holds(body)` picks for
 * `holdMs`. Readiness probes and the like pass at once.
 */
export function slowSubgraph(target: () => string, options: { holdMs: number; holds(body: Buffer): boolean }): SlowSubgraph {
  let held = 0;
  const heldRequests = new Set<string>();
  let released = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const hold = req.method === 'POST' && options.holds(body);
      if (hold) {
        held += 1;
        heldRequests.add(String(req.headers['x-request-id']));
      }
      setTimeout(async () => {
        try {
          const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name))) as Record<string, string>;
          const answer = await fetch(new URL(req.url ?? '/graphql', target()), { method: req.method, headers, body: req.method === 'POST' ? body : undefined });
          res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
          res.end(Buffer.from(await answer.arrayBuffer()));
        } catch {
          res.destroy();
        }
        if (hold) released += 1;
      }, hold ? slow.holdMs : 0);
    });
  });
  const slow: SlowSubgraph = {
    holdMs: options.holdMs,
    get held() {
      return held;
    },
    get heldRequests() {
      return heldRequests.size;
    },
    get released() {
      return released;
    },
    async listen() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    },
    async holding(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (held < count) {
        if (Date.now() > deadline) throw new Error(`only ${held} of ${count} subgraph calls arrived`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    reset() {
      held = 0;
      heldRequests.clear();
      released = 0;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  return slow;
}
