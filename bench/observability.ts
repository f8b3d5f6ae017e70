import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../platform/config';
import { databaseUrl, externalDatabase, startEmbeddedDatabase, type DatabaseServer } from '../platform/database';
import { createLogger } from '../platform/logger';
import { prepareDatabase } from '../hub/runtime';
import { loadSecrets } from '../platform/secrets';
import { loadOrCreateLocalIssuer, mintToken } from '../identity';
import { LOCAL_ISSUER_PRODUCTION_ACK } from '../identity/settings';
import { BENCH_DATABASE, loadBenchConfig } from './bench-config';
import { HUB_ADMIN } from './identities';
import { cpuMeter } from './cpu';
import { measure, type RunMeasurement } from './load';
import { dataOf, hubHeaders, ONE_SUBGRAPH_QUERY } from './scenarios';
import { freePortBlock } from '../test/ports';

/**
 * `npm run bench:observability`: what traces and metrics cost. The hub as `npm start` runs it
 * (dist/hub/main.js, so tracing is set up as in production, before `pg` loads), three times side
 * by side on one database: without either, with metrics (METRICS_PORT), and with metrics and
 * traces, every request sampled or one in ten (exported over OTLP/HTTP to a receiver in this
 * process that reads and drops them). Scenario 1 of `npm run bench` (one subgraph) against each in turn,
 * interleaved per round and in a rotating order, so that a change in the machine's load affects
 * all three alike. Only one hub is under load at a time.
 */

const say = (line: string) => process.stdout.write(`${line}\n`);
const WORK_DIR = path.join(repoRoot, '.frontera');

interface Variant {
  name: 'off' | 'metrics' | 'metrics+traces' | 'metrics+traces 10%' | 'metrics+traces 0%';
  env: Record<string, string>;
}

interface RunningVariant extends Variant {
  child: ChildProcess;
  gatewayUrl: string;
  metricsUrl: string | null;
  runs: RunMeasurement[];
}

/**
 * CPU time the hub's process spent per answered request: on a machine shared with other work,
 * steadier than req/s, which falls with whatever else runs.
 */
const cpuPerRequest = (run: RunMeasurement) => (run.cpu ? (run.cpu.stack * run.seconds * 1000) / Math.max(1, run.answered) : Number.NaN);

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function main(): Promise<void> {
  const config = loadBenchConfig();
  const secrets = loadSecrets(config.SECRETS_DIR);
  const log = createLogger('warn', 'bench');
  mkdirSync(WORK_DIR, { recursive: true });
  let database: DatabaseServer | null = null;
  const children: ChildProcess[] = [];
  let sink: http.Server | null = null;
  const stopAll = async () => {
    await Promise.all(children.map((child) => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    })));
    sink?.close();
    await database?.stop().catch(() => undefined);
  };
  process.once('SIGINT', () => void stopAll().finally(() => process.exit(130)));
  try {
    const server = config.DATABASE_URL
      ? externalDatabase(config.DATABASE_URL)
      : await startEmbeddedDatabase({ dataDir: config.BENCH_PG_DIR, port: config.BENCH_PG_PORT, database: BENCH_DATABASE }, secrets, log);
    database = { ...server, database: BENCH_DATABASE };
    await prepareDatabase(database, secrets, { seed: true, log });

    // The trace collector stand-in: reads each export and answers as a collector does.
    let exports = 0;
    let exportedBytes = 0;
    sink = http.createServer((req, res) => {
      req.on('data', (chunk: Buffer) => (exportedBytes += chunk.length));
      req.on('end', () => {
        exports += 1;
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => sink!.listen(0, '127.0.0.1', resolve));
    const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;

    const variants: Variant[] = [
      { name: 'off', env: {} },
      { name: 'metrics', env: { METRICS_PORT: '+10' } },
      { name: 'metrics+traces', env: { METRICS_PORT: '+10', OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl } },
      // As one would run it under load: one trace in ten recorded (the others still get a trace id).
      { name: 'metrics+traces 10%', env: { METRICS_PORT: '+10', OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' } },
      // Tracing on, nothing recorded: what carrying the trace context through every request costs by itself.
      { name: 'metrics+traces 0%', env: { METRICS_PORT: '+10', OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl, OTEL_TRACES_SAMPLER: 'always_off' } },
    ];
    const running: RunningVariant[] = [];
    for (const variant of variants) {
      const base = await freePortBlock(Array.from({ length: 11 }, (_, i) => i));
      const slug = variant.name.replace(/[^a-z0-9]+/g, '-');
      const logFile = path.join(WORK_DIR, `bench-observability-${slug}.log`);
      const out = openSync(logFile, 'w');
      const env = { ...variant.env, ...(variant.env.METRICS_PORT ? { METRICS_PORT: String(base + 10) } : {}) };
      const child = spawn(process.execPath, [path.join(repoRoot, 'dist', 'hub', 'main.js')], {
        cwd: repoRoot,
        stdio: ['ignore', out, out],
        env: {
          PATH: process.env.PATH,
          // As the bench's stack runs: production, demo-issuer tokens accepted, logs at info to a file.
          NODE_ENV: 'production',
          LOCAL_ISSUER: 'true',
          LOCAL_ISSUER_IN_PRODUCTION: LOCAL_ISSUER_PRODUCTION_ACK,
          LOG_LEVEL: 'info',
          HOST: '127.0.0.1',
          PUBLIC_HOST: '127.0.0.1',
          SECRETS_DIR: config.SECRETS_DIR,
          DATABASE_URL: databaseUrl(database),
          SEED: 'false',
          GATEWAY_PORT: String(base),
          SUBGRAPH_PORT_BASE: String(base + 1),
          // The demo partners listen on fixed ports, which only one hub can take: none runs them
          // here (the scenario never reaches them).
          HUB_SERVICES: 'gateway,operations,training,audit',
          SUBGRAPH_URLS: ['frontex', 'wco', 'iom'].map((code, i) => `${code}=http://127.0.0.1:${base + 5 + i}/graphql`).join(','),
          AUDIT_WRITER_ID: `bench-observability-${slug}`,
          AUDIT_WITNESS_DIR: 'off',
          ...env,
        },
      });
      closeSync(out);
      children.push(child);
      running.push({ ...variant, child, gatewayUrl: `http://127.0.0.1:${base}/graphql`, metricsUrl: env.METRICS_PORT ? `http://127.0.0.1:${env.METRICS_PORT}/metrics` : null, runs: [] });
    }

    const issuer = await loadOrCreateLocalIssuer(config.SECRETS_DIR);
    const headers = hubHeaders(await mintToken(issuer, { ...HUB_ADMIN, ttlSeconds: 3600 }));
    for (const hub of running) {
      const deadline = Date.now() + 120_000;
      for (;;) {
        const ready = await fetch(hub.gatewayUrl.replace('/graphql', '/health/live')).then((r) => r.ok, () => false);
        if (ready) break;
        if (hub.child.exitCode !== null || Date.now() > deadline) throw new Error(`the ${hub.name} hub did not start: see .frontera/bench-observability-*.log`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      await dataOf(hub.gatewayUrl, ONE_SUBGRAPH_QUERY, undefined, headers);
    }
    say(`${running.length} hubs ready (${running.map((h) => `${h.name} ${h.gatewayUrl}`).join(', ')}); ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);

    const workload = { body: JSON.stringify({ query: ONE_SUBGRAPH_QUERY }) };
    const options = { seconds: config.BENCH_SECONDS, connections: config.BENCH_CONNECTIONS };
    for (const hub of running) await measure({ url: hub.gatewayUrl, headers }, workload, { ...options, seconds: Math.max(1, config.BENCH_WARMUP_SECONDS) });
    for (let round = 0; round < config.BENCH_ROUNDS; round += 1) {
      // Rotating order: no variant always runs first (after the pause) or last.
      const order = running.map((_, i) => running[(i + round) % running.length]);
      for (const hub of order) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        const run = await measure({ url: hub.gatewayUrl, headers }, workload, { ...options, cpu: cpuMeter([{ name: 'hub', pid: hub.child.pid! }], null) });
        hub.runs.push(run);
        say(`round ${round + 1} ${hub.name.padEnd(19)} ${run.rps.toFixed(0).padStart(6)} req/s  ${cpuPerRequest(run).toFixed(2)} ms CPU/request  p50 ${run.p50} ms  p99 ${run.p99} ms  errors ${run.errors + run.non2xx + run.graphqlErrors}`);
      }
    }

    const baseline = median(running[0].runs.map((r) => r.rps));
    const baselineCpu = median(running[0].runs.map(cpuPerRequest));
    const rows = running.map((hub) => {
      const rps = median(hub.runs.map((r) => r.rps));
      const cpu = median(hub.runs.map(cpuPerRequest));
      return {
        variant: hub.name,
        rps: Math.round(rps),
        runs: hub.runs.map((r) => Math.round(r.rps)),
        cpuMsPerRequest: Math.round(cpu * 100) / 100,
        cpuCost: hub.name === 'off' ? null : `${(((cpu - baselineCpu) / baselineCpu) * 100).toFixed(1)} %`,
        p50: median(hub.runs.map((r) => r.p50)),
        p99: median(hub.runs.map((r) => r.p99)),
        failures: hub.runs.reduce((n, r) => n + r.errors + r.non2xx + r.graphqlErrors, 0),
        cost: hub.name === 'off' ? null : `${(((baseline - rps) / baseline) * 100).toFixed(1)} %`,
      };
    });
    const scraped = running[1].metricsUrl ? await fetch(running[1].metricsUrl).then((r) => r.text()) : '';
    const counted = /frontera_gateway_requests_total\{operation="OneSubgraph",outcome="ok",organisation="hub"\} (\d+)/.exec(scraped)?.[1];
    say('');
    say(`| hub | median req/s | runs | req/s cost vs off | hub CPU ms/request | CPU cost vs off | p50 ms | p99 ms | failed |`);
    say(`|---|---:|---|---:|---:|---:|---:|---:|---:|`);
    for (const row of rows) say(`| ${row.variant} | ${row.rps} | ${row.runs.join(', ')} | ${row.cost ?? '—'} | ${row.cpuMsPerRequest} | ${row.cpuCost ?? '—'} | ${row.p50} | ${row.p99} | ${row.failures} |`);
    say('');
    say(`${config.BENCH_ROUNDS} rounds of ${config.BENCH_SECONDS} s, ${config.BENCH_CONNECTIONS} connections; the metrics hub counted ${counted ?? '?'} OneSubgraph requests; the traces hub made ${exports} OTLP exports (${(exportedBytes / 1e6).toFixed(1)} MB). Load average after: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    writeFileSync(path.join(WORK_DIR, 'bench-observability.json'), JSON.stringify({ at: new Date().toISOString(), rounds: config.BENCH_ROUNDS, seconds: config.BENCH_SECONDS, connections: config.BENCH_CONNECTIONS, loadavg: os.loadavg(), rows }, null, 2));
  } finally {
    await stopAll();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
