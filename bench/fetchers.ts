import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { subgraphFetchers } from '../gateway/subgraph-fetch';
import { Role } from '../identity/principal';
import {
  bodyDigest,
  CALL_PROOF_HEADER,
  loadOrCreateHubInternalKey,
  proveSubgraphCall,
  signSubgraphToken,
  staticKeyRing,
  subgraphCallVerifier,
} from '../identity/subgraph-token';

/**
 * `npm run bench:fetch`: the gateway's subgraph fetcher against Node's global fetch, side by side
 * on the same local server (the shape of a subgraph call: a POSTed GraphQL body, a small JSON
 * answer), 32 calls at a time. Prints CPU per call of this process (client and server together)
 * and the connections each opened. The last two lines are a subgraph call as the gateway makes
 * it: the token and request id alone (as before per-call proofs), then with the fetcher's proof
 * (HMAC over token, request id and body digest) and the server's check of it (token verdict
 * remembered, body digest, HMAC, nonce): their difference is the proof's whole cost per call.
 * Then the proof alone, without HTTP, in µs of CPU per call.
 */
const ROUNDS = 5;
const BATCHES = 200;
const CONCURRENCY = 32;

async function main(): Promise<void> {
  const keyDir = mkdtempSync(path.join(os.tmpdir(), 'frontera-bench-keys-'));
  const key = await loadOrCreateHubInternalKey(keyDir);
  rmSync(keyDir, { recursive: true, force: true });
  const ring = staticKeyRing(key);
  const principal = { subject: 'bench', organisation: 'hub', country: null, roles: [Role.HUB_ADMIN], scopes: [], clearance: null, expiresAt: new Date(Date.now() + 3_600_000) };
  const token = await signSubgraphToken(key, { audience: 'bench', principal });
  const verifyCall = subgraphCallVerifier(ring, 'bench');
  let refused = 0;
  let connections = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const proof = req.headers[CALL_PROOF_HEADER];
      if (typeof proof === 'string') {
        const verdict = await verifyCall({ token, proof, requestId: req.headers['x-request-id'] as string, bodyDigest: bodyDigest(Buffer.concat(chunks)) });
        if (!verdict.ok) refused += 1;
      }
      res.setHeader('content-type', 'application/json');
      res.end('{"data":{"operations":{"edges":[]}}}');
    });
  });
  server.keepAliveTimeout = 65_000;
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ operations(first: 5) { edges { node { code } } } }' }) };
  const plain = subgraphFetchers({ timeoutMs: 10_000 })('bench');
  const proved = subgraphFetchers({ timeoutMs: 10_000, keys: ring })('bench');
  let callNumber = 0;
  /** The headers of a subgraph call before this change: the token and the request id, no proof. */
  const asGateway = (base: { headers: Record<string, string> }) => ({ ...base, headers: { ...base.headers, authorization: `Bearer ${token}`, 'x-request-id': `bench-${(callNumber += 1)}` } });
  const fetchers: Record<string, (url: string, init: object) => Promise<{ json(): Promise<unknown> }>> = {
    'gateway subgraph fetcher (node-fetch, keep-alive agent)': plain as never,
    "Node's global fetch (undici)": fetch as never,
    'gateway fetcher, token + request id (no proof)': ((target: string, base: { headers: Record<string, string> }) => plain(target, asGateway(base) as never)) as never,
    'gateway fetcher + call proof, checked by the server': ((target: string, base: { headers: Record<string, string> }) => proved(target, asGateway(base) as never)) as never,
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
  if (refused) throw new Error(`${refused} proved calls were refused: the benchmark is not measuring accepted calls`);
  const calls = 20_000;
  const body = Buffer.from(init.body);
  let cpu = process.cpuUsage();
  const proofs = Array.from({ length: calls }, (_, i) => proveSubgraphCall(key, 'bench', { token, requestId: `micro-${i}`, bodyDigest: bodyDigest(body) }));
  const proveUs = cpuMicros(cpu) / calls;
  cpu = process.cpuUsage();
  for (let i = 0; i < calls; i += 1) {
    const verdict = await verifyCall({ token, proof: proofs[i], requestId: `micro-${i}`, bodyDigest: bodyDigest(body) });
    if (!verdict.ok) throw new Error(verdict.reason);
  }
  const checkUs = cpuMicros(cpu) / calls;
  process.stdout.write(`call proof alone (${body.length}-byte body): gateway ${proveUs.toFixed(1)} µs CPU/call (digest + HMAC), subgraph ${checkUs.toFixed(1)} µs CPU/call (remembered token, digest, HMAC, nonce)\n`);
  server.closeAllConnections();
  server.close();
  process.exit(0);
}

function cpuMicros(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return used.user + used.system;
}

void main();
