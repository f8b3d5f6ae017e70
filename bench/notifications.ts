import 'reflect-metadata';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client as PgClient } from 'pg';
import { loadConfig } from '../hub/config';
import { prepareDatabase, startHub } from '../hub/runtime';
import { loadOrCreateLocalIssuer, mintToken } from '../identity';
import { repoRoot } from '../platform/config';
import { databaseUrl, startEmbeddedDatabase } from '../platform/database';
import { createLogger } from '../platform/logger';
import { loadSecrets } from '../platform/secrets';
import { NOTIFICATION_JWKS_PATH, verifyNotification } from '../subgraphs/operations/notifications/signature';
import { borderOfficer, HUB_ADMIN } from './identities';
import { BENCH_ISSUING_COUNTRY, findScreeningSite, hubHeaders, SCREEN_MUTATION } from './scenarios';

const USAGE = `usage: node dist/bench/notifications.js [--rate 100] [--seconds 20] [--hit-every 1000] [--pg-port 54348]

Hit notification latency: drives screenDocument through the gateway at a fixed rate (open loop),
one screening in --hit-every matching a seeded alert (the demo data's rate is about 1 in 1,000),
with every alert owner registered at a receiver on 127.0.0.1 that verifies each notification with
the published key. Latency: from the hit's detectedAt to the receiver having verified the POST.
Runs everything in this process, on its own embedded PostgreSQL (database frontera_bench_notifications).`;

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rate: { type: 'string' }, seconds: { type: 'string' }, 'hit-every': { type: 'string' }, 'pg-port': { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) return void process.stdout.write(`${USAGE}\n`);
  const rate = Number(values.rate ?? 100);
  const seconds = Number(values.seconds ?? 20);
  const hitEvery = Number(values['hit-every'] ?? 1000);
  const pgPort = values['pg-port'] ?? '54348';
  const say = (line: string) => process.stderr.write(`${line}\n`);

  // Endpoints of every alert owner, at one receiver. Only alerts an officer's screening can match
  // (released to all, cleared for RESTRICTED) are screened as hits.
  const received: { latencyMs: number; jti: string }[] = [];
  const seen = new Set<string>();
  let jwks: any = null;
  let gatewayOrigin = '';
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c)).on('end', async () => {
      const organisation = (req.url ?? '').replace(/^\/hooks\//, '');
      try {
        jwks ??= await (await fetch(`${gatewayOrigin}${NOTIFICATION_JWKS_PATH}`)).json();
        const claims = await verifyNotification(Buffer.concat(chunks).toString('utf8'), jwks, organisation);
        if (!seen.has(claims.jti)) received.push({ latencyMs: Date.now() - Date.parse(claims.hit.detectedAt), jti: claims.jti });
        seen.add(claims.jti);
        res.writeHead(204).end();
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()));
  const receiverPort = (receiver.address() as AddressInfo).port;

  const base = loadConfig({ ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'warn', SEED: 'false', EMBEDDED_PG_PORT: pgPort, EMBEDDED_PG_DIR: path.join(repoRoot, '.frontera', 'pgdata-bench-notifications'), AUDIT_WITNESS_DIR: 'off' });
  const log = createLogger(base.LOG_LEVEL);
  const secrets = loadSecrets(base.SECRETS_DIR);
  const database = { ...(await startEmbeddedDatabase({ dataDir: base.EMBEDDED_PG_DIR, port: base.EMBEDDED_PG_PORT, database: 'frontera_bench_notifications' }, secrets, log)) };
  const admin = new PgClient({ connectionString: databaseUrl(database) });
  let hub: Awaited<ReturnType<typeof startHub>> | null = null;
  try {
    await prepareDatabase(database, secrets, { seed: true, log });
    await admin.connect();
    const { rows: alerts } = await admin.query<{ document_number: string; issuing_country: string; handling_owner: string }>(`select document_number, issuing_country, handling_owner from operations.document_alert where handling_releasable_to @> '{*}' and handling_classification in ('OFFICIAL_USE', 'RESTRICTED') order by id limit 5000`);
    const owners = [...new Set(alerts.map((a) => a.handling_owner))];
    const registry = path.join(mkdtempSync(path.join(os.tmpdir(), 'frontera-bench-notify-')), 'notification-endpoints.json');
    writeFileSync(registry, JSON.stringify({ endpoints: owners.map((organisation) => ({ organisation, url: `http://127.0.0.1:${receiverPort}/hooks/${organisation}`, events: ['hit.created'] })) }));
    const config = loadConfig({ ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'warn', SEED: 'false', EMBEDDED_PG_PORT: pgPort, EMBEDDED_PG_DIR: base.EMBEDDED_PG_DIR, AUDIT_WITNESS_DIR: 'off', NOTIFICATION_ENDPOINTS_FILE: registry });
    const acked: number[] = [];
    hub = await startHub(config, database, secrets, log, { ephemeralPorts: true, onNotificationAttempt: (r) => r.latencyMs !== null && acked.push(r.latencyMs) });
    const gatewayUrl = hub.gatewayUrl!;
    gatewayOrigin = new URL(gatewayUrl).origin;
    const issuer = await loadOrCreateLocalIssuer(config.SECRETS_DIR);
    const adminHeaders = hubHeaders(await mintToken(issuer, { ...HUB_ADMIN, ttlSeconds: 3600 }));
    const site = await findScreeningSite(gatewayUrl, adminHeaders);
    const officer = { 'content-type': 'application/json', ...hubHeaders(await mintToken(issuer, { ...borderOfficer(site.organisation), ttlSeconds: 3600 })) };
    say(`stack ready; screening at ${site.operationCode} as ${site.organisation}: ${rate}/s for ${seconds} s, one hit in ${hitEvery}`);

    const screenings: Promise<void>[] = [];
    const mutationMs: number[] = [];
    let errors = 0;
    let hits = 0;
    let matched = 0;
    const started = performance.now();
    const total = Math.round(rate * seconds);
    for (let i = 0; i < total; i += 1) {
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const match = i % hitEvery === hitEvery - 1 ? alerts[hits++ % alerts.length] : null;
      const input = match
        ? { operationId: site.operationId, checkpointId: site.checkpointId, documentNumber: match.document_number, issuingCountry: match.issuing_country, documentType: 'PASSPORT' }
        : { operationId: site.operationId, checkpointId: site.checkpointId, documentNumber: `BN${String(i).padStart(9, '0')}`, issuingCountry: BENCH_ISSUING_COUNTRY, documentType: 'PASSPORT' };
      const sent = performance.now();
      screenings.push(
        fetch(gatewayUrl, { method: 'POST', headers: officer, body: JSON.stringify({ query: SCREEN_MUTATION, variables: { input } }) })
          .then(async (response) => {
            const body = (await response.json()) as { errors?: unknown[]; data?: { screenDocument?: { matched: boolean } } };
            if (!response.ok || body.errors) errors += 1;
            if (body.data?.screenDocument?.matched) matched += 1;
            mutationMs.push(performance.now() - sent);
          })
          .catch(() => {
            errors += 1;
          }),
      );
    }
    await Promise.all(screenings);
    const elapsed = (performance.now() - started) / 1000;
    const deadline = Date.now() + 15_000;
    while (received.length < matched && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const latency = received.map((r) => r.latencyMs).sort((a, b) => a - b);
    const screen = mutationMs.sort((a, b) => a - b);
    const load = os.loadavg()[0].toFixed(2);
    const stats = hub.notifier!.stats();
    const line = (name: string, xs: number[]) => `${name}: n=${xs.length} p50=${percentile(xs, 50).toFixed(0)} ms p99=${percentile(xs, 99).toFixed(0)} ms max=${(xs.at(-1) ?? NaN).toFixed(0)} ms`;
    process.stdout.write(
      [
        `screenings: ${total} in ${elapsed.toFixed(1)} s (${(total / elapsed).toFixed(0)}/s offered ${rate}/s), errors ${errors}; hits ${matched} (of ${hits} screenings of an alert's document), delivered ${received.length}, tries ${stats.attempts}, failed tries ${stats.failed}`,
        line('notification latency (detectedAt → receiver verified)', latency),
        line('hub-side (detectedAt → endpoint acknowledged)', acked.sort((a, b) => a - b)),
        line('screenDocument round trip', screen),
        `machine: ${os.cpus().length} cores ${os.cpus()[0]?.model ?? ''}, Node ${process.version}, load average (1 min) at the end ${load}; ${new Date().toISOString()}`,
      ].join('\n') + '\n',
    );
  } finally {
    await hub?.stop();
    await admin.end().catch(() => undefined);
    await database.stop();
    receiver.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:notifications could not run: ${(error as Error).stack ?? error}\n`);
    process.exit(2);
  },
);
