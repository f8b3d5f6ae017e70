import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { subgraphFetchers } from '../gateway/subgraph-fetch';

/**
 * `npm run bench:fetch`: the gateway's subgraph fetcher against Node's global fetch, side by side
 * on the same local server (the shape of a subgraph call: a POSTed GraphQL body, a small JSON
 * answer), 32 calls at a time. Prints CPU per call of this process (client and server together)
 * and the connections each opened.
 */
const ROUNDS = 3;
const BATCHES = 200;
const CONCURRENCY = 32;

async function main(): Promise<void> {
  let connections = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end('{"data":{"operations":{"edges":[]}}}');
    });
  });
  server.keepAliveTimeout = 65_000;
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ operations(first: 5) { edges { node { code } } } }' }) };
  const fetchers: Record<string, (url: string, init: object) => Promise<{ json(): Promise<unknown> }>> = {
    'gateway subgraph fetcher (node-fetch, keep-alive agent)': subgraphFetchers(10_000)('bench') as never,
    "Node's global fetch (undici)": fetch as never,
  };
  for (let round = 1; round <= ROUNDS; round += 1) {
    for (const [name, call] of Object.entries(fetchers)) {
      connections = 0;
      const started = performance.now();
      const cpu = process.cpuUsage();
      for (let batch = 0; batch < BATCHES; batch += 1) await Promise.all(Array.from({ length: CONCURRENCY }, async () => (await call(url, init)).json()));
      const used = process.cpuUsage(cpu);
      const calls = BATCHES * CONCURRENCY;
      process.stdout.write(
        `round ${round}  ${name.padEnd(56)} ${((used.user + used.system) / 1000 / calls).toFixed(3)} ms CPU/call  ${Math.round(calls / ((performance.now() - started) / 1000))} calls/s  ${connections} new connections\n`,
      );
    }
  }
  server.closeAllConnections();
  server.close();
  process.exit(0);
}

void main();
