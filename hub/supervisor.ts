import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { loadSecurity } from '../identity/trust';
import { repoRoot } from '../platform/config';
import { databaseUrl, externalDatabase, startEmbeddedDatabase, type DatabaseServer } from '../platform/database';
import type { Logger } from '../platform/logger';
import { catalog } from './catalog';
import type { Config } from './config';
import { ensureKeyFiles } from './key-files';
import { drainLeadMs, startLoadBalancer, type LoadBalancer } from './load-balancer';
import { prepareDatabase } from './runtime';

/**
 * The hub as processes on one machine, supervised: PostgreSQL (embedded, or DATABASE_URL), the
 * database prepared once, each subgraph in a process of its own, N gateway processes, and (for
 * more than one, or when asked) HAProxy in front of them on GATEWAY_PORT. `npm run cluster`, and
 * `npm start` with HUB_LAYOUT=processes (one gateway, no balancer). Each child is `hub/main.ts`
 * with HUB_SERVICES naming what it runs; it tells the supervisor it is ready over IPC.
 */

/** What a child says once every service it runs is up. */
export const READY_MESSAGE = 'frontera:ready';

/** Longest a child may take from its start to READY (migrations are done before; a hung child must not block the cluster). */
const READY_TIMEOUT_MS = 120_000;
/** A child that dies this many times in a row, each within {@link QUICK_DEATH_MS} of its start, stops the cluster. */
const MAX_QUICK_RESTARTS = 5;
const QUICK_DEATH_MS = 60_000;

export interface SupervisorOptions {
  gateways: number;
  /** HAProxy in front of the gateways (then they listen from `gatewayPortBase` on). */
  loadBalancer: { bin: string; gatewayPortBase: number; accessLog: boolean } | null;
}

interface Child {
  name: string;
  env: NodeJS.ProcessEnv;
  process: ChildProcess | null;
  /** Resolves when the current process exits. */
  exited: Promise<void>;
  restarts: number;
}

export async function supervise(config: Config, options: SupervisorOptions, log: Logger): Promise<void> {
  // Every key is made here, once, before any child reads SECRETS_DIR (creating them is safe
  // from several processes at once too: files are written whole and linked into place).
  const secrets = await ensureKeyFiles(config.SECRETS_DIR, { localIssuer: config.LOCAL_ISSUER });
  await loadSecurity(config, log);

  let database: DatabaseServer | null = null;
  /** PostgreSQL while it starts: a signal then must still stop it once it is up. */
  let databaseStarting: Promise<DatabaseServer> | null = null;
  let balancer: LoadBalancer | null = null;
  const subgraphs: Child[] = [];
  const gateways: Child[] = [];
  let stopping = false;

  const start = (child: Child): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (stopping) return reject(new Error(`${child.name} not started: the cluster is stopping`));
      const entry = path.join(__dirname, `main${path.extname(__filename)}`);
      // A process group of its own (detached): a terminal's Ctrl-C reaches the supervisor alone,
      // which passes it on in order (gateways first); each child stops by itself when the
      // supervisor dies (the IPC channel closes: hub/main.ts).
      const current = fork(entry, [], { env: child.env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], detached: true });
      const startedAt = Date.now();
      child.process = current;
      child.exited = new Promise((done) => current.once('exit', () => done()));
      const readyTimer = setTimeout(() => {
        reject(new Error(`${child.name} was not ready within ${READY_TIMEOUT_MS / 1000} s: killed`));
        current.kill('SIGKILL');
      }, READY_TIMEOUT_MS);
      current.on('message', (message) => {
        if (message !== READY_MESSAGE) return;
        clearTimeout(readyTimer);
        resolve();
      });
      current.once('exit', (code, signal) => {
        clearTimeout(readyTimer);
        reject(new Error(`${child.name} exited during start-up (${code ?? signal})`));
        if (stopping) return;
        // A child that dies while the cluster runs is started again, later each time it keeps dying
        // (one that had run for a minute starts the count afresh); one that keeps dying stops the cluster.
        if (Date.now() - startedAt > QUICK_DEATH_MS) child.restarts = 0;
        if (child.restarts >= MAX_QUICK_RESTARTS) {
          log.fatal({ child: child.name, code, signal }, `${child.name} died ${MAX_QUICK_RESTARTS + 1} times in a row, each within ${QUICK_DEATH_MS / 1000} s of its start: stopping the cluster`);
          shutdown('SIGTERM', 1);
          return;
        }
        const delayMs = Math.min(30_000, 1_000 * 2 ** Math.min(child.restarts, 5));
        child.restarts += 1;
        log.error({ child: child.name, code, signal, restartInMs: delayMs }, 'a hub process exited: starting it again');
        setTimeout(() => {
          if (!stopping) start(child).then(() => log.info({ child: child.name }, 'hub process ready again'), (error: Error) => log.error({ child: child.name, err: error }, 'restart failed'));
        }, delayMs).unref();
      });
    });

  /** Gateways first (they drain while HAProxy still carries their answers), then HAProxy and the subgraphs, PostgreSQL last. */
  const stopAll = async (signal: NodeJS.Signals) => {
    const stopChildren = async (children: Child[]) => {
      for (const child of children) child.process?.kill(signal);
      await Promise.all(children.map((child) => child.exited));
    };
    await stopChildren(gateways);
    await Promise.all([balancer?.stop(), stopChildren(subgraphs)]);
    database ??= await databaseStarting?.catch(() => null) ?? null;
    await database?.stop().catch((error: unknown) => log.error({ err: error }, 'stopping PostgreSQL failed'));
  };
  const shutdown = (signal: NodeJS.Signals, exitCode = 0) => {
    if (stopping) {
      // A second signal: the gateways cut what they are still waiting for.
      log.warn({ signal }, 'second signal: passing it on');
      for (const child of [...gateways, ...subgraphs]) child.process?.kill(signal);
      return;
    }
    stopping = true;
    log.info({ signal }, 'stopping: gateways drain first, then HAProxy and the subgraphs, then PostgreSQL');
    setTimeout(() => {
      log.error('stopping did not finish in time: exiting');
      process.exit(1);
    }, 2 * (config.DRAIN_TIMEOUT_MS + 15_000)).unref();
    void stopAll(signal).then(() => {
      log.info('stopped');
      process.exit(exitCode);
    });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  // Every process re-reads what it watches (supergraph, trusted documents).
  process.on('SIGHUP', () => {
    for (const child of [...gateways, ...subgraphs]) child.process?.kill('SIGHUP');
  });

  try {
    databaseStarting = config.DATABASE_URL
      ? Promise.resolve(externalDatabase(config.DATABASE_URL))
      : startEmbeddedDatabase({ dataDir: config.EMBEDDED_PG_DIR, port: config.EMBEDDED_PG_PORT, database: 'frontera' }, secrets, log);
    database = await databaseStarting;
    await prepareDatabase(database, secrets, { seed: config.SEED, log });

    // Children get the supervisor's environment, the database as DATABASE_URL (prepared: no seed)
    // and the services they run; each child's own metrics port when METRICS_PORT is set.
    let metricsPort = config.METRICS_PORT;
    const childEnv = (services: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => {
      const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl(database!), SEED: 'false', HUB_LAYOUT: 'single', HUB_SERVICES: services, ...extra };
      if (metricsPort !== undefined) env.METRICS_PORT = String(metricsPort++);
      return env;
    };
    const child = (name: string, env: NodeJS.ProcessEnv): Child => ({ name, env, process: null, exited: Promise.resolve(), restarts: 0 });
    // One audit chain per process, named after the operator's AUDIT_WRITER_ID (which no two processes may share) or the host.
    const writerPrefix = (config.AUDIT_WRITER_ID ?? hostname()).replace(/[^\w.-]/g, '_').slice(0, 80);
    subgraphs.push(...catalog.map((definition) => child(definition.name, childEnv(definition.name, { AUDIT_WRITER_ID: `${writerPrefix}-${definition.name}` }))));
    await Promise.all(subgraphs.map(start));
    log.info({ subgraphs: subgraphs.map((s) => s.name) }, 'subgraph processes ready');

    const lb = options.loadBalancer;
    for (let i = 0; i < options.gateways; i += 1) {
      gateways.push(
        child(
          `gateway-${i + 1}`,
          childEnv('gateway', {
            GATEWAY_PORT: String(lb ? lb.gatewayPortBase + i : config.GATEWAY_PORT),
            // Behind HAProxy, its only client: on loopback, so the replicas' ports do not bypass it.
            ...(lb ? { HOST: '127.0.0.1' } : {}),
            // One chain per gateway process, stable across its restarts.
            AUDIT_WRITER_ID: `${writerPrefix}-gateway-${i + 1}`,
            // Behind HAProxy, a draining gateway serves until HAProxy's checks have taken it out.
            DRAIN_LEAD_MS: String(lb && config.DRAIN_LEAD_MS === 0 ? drainLeadMs() : config.DRAIN_LEAD_MS),
          }),
        ),
      );
    }
    await Promise.all(gateways.map(start));
    if (lb) {
      const runDir = path.join(repoRoot, '.frontera', 'cluster');
      mkdirSync(runDir, { recursive: true });
      balancer = await startLoadBalancer(
        lb.bin,
        runDir,
        {
          host: config.HOST,
          port: config.GATEWAY_PORT,
          replicas: gateways.map((g) => ({ name: g.name, host: g.env.HOST!, port: Number(g.env.GATEWAY_PORT) })),
          statsSocket: path.join(runDir, 'haproxy.sock'),
          accessLog: lb.accessLog,
        },
        (line, stream) => (stream === 'stdout' ? process.stdout : process.stderr).write(`${line}\n`),
      );
      balancer.process.once('exit', (code, signal) => {
        if (!stopping) {
          log.fatal({ code, signal }, 'HAProxy exited: stopping the cluster');
          shutdown('SIGTERM');
        }
      });
      log.info({ configFile: balancer.configFile, replicas: gateways.length }, 'HAProxy in front of the gateways');
    }
  } catch (error) {
    // A signal during start-up: shutdown() stops what was started.
    if (stopping) return;
    log.fatal({ err: error }, 'cluster start-up failed');
    stopping = true;
    await stopAll('SIGTERM');
    process.exit(1);
  }
  if (stopping) return;
  const where = `http://${config.PUBLIC_HOST}:${config.GATEWAY_PORT}/graphql`;
  process.stdout.write(balancer ? `Frontera gateway ready at ${where} (${gateways.length} gateway processes behind HAProxy, ${subgraphs.length} subgraph processes)\n` : `Frontera gateway ready at ${where} (${subgraphs.length} subgraph processes)\n`);
}
