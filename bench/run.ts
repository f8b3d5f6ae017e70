import 'reflect-metadata';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { repoRoot } from '../platform/config';
import { databaseUrl, externalDatabase, startEmbeddedDatabase, type DatabaseServer } from '../platform/database';
import { createLogger } from '../platform/logger';
import { prepareDatabase } from '../hub/runtime';
import { loadSecrets } from '../platform/secrets';
import { gatewayCallHeaders, loadOrCreateHubInternalKey, loadOrCreateLocalIssuer, mintToken, signSubgraphToken } from '../identity';
import { AUDIT_SCHEMA } from '../access-log';
import { BENCH_DATABASE, loadBenchConfig } from './bench-config';
import { cpuMeter } from './cpu';
import { BENCH_PURPOSE, borderOfficer, HUB_ADMIN, principalOf } from './identities';
import { measure, type Probes, type RunMeasurement, type Target, type Workload } from './load';
import { compareProfiles, formatProfile, summariseProfile, type ProfiledRun } from './profile';
import { checkTargets, machine, markdown, summarise, type BenchReport, type ScenarioResult, type TargetName } from './report';
import { BENCH_ISSUING_COUNTRY, dataOf, ensureOperations, findScreeningSite, graphql, hubHeaders, JOIN_SIZE, joinQuery, ONE_SUBGRAPH_QUERY, screenBody, SCREEN_MUTATION } from './scenarios';
import { startStacks, type Stack } from './stack-client';

const RESULTS_DIR = path.join(repoRoot, 'bench', 'results');
const WORK_DIR = path.join(repoRoot, '.frontera');
const STACK_LOG = path.join(WORK_DIR, 'bench-stack.log');
const PROFILE_DIR = path.join(WORK_DIR, 'bench-profiles');
/** Cores used by other processes above which a run's figures are flagged as disturbed. */
const CONTENDED_CORES = 0.25;
/** Requests per list size when counting SQL statements of the join (sequential, not timed). */
const SQL_SAMPLE_REQUESTS = 20;

const say = (line: string) => process.stdout.write(`${line}\n`);

interface ScenarioPlan {
  id: string;
  title: string;
  query: string;
  targets: { name: TargetName; target: () => Promise<Target> }[];
  workload: Workload;
}

/**
 * `npm run bench`: the embedded database (or DATABASE_URL's server, database `frontera_bench`),
 * migrated and seeded; the stack under test in a child process; then, interleaved per round, the
 * bare @apollo/gateway, the Frontera gateway and (scenario 1) the subgraph itself under the same
 * load. Writes bench/results/latest.json and latest.md and prints the table.
 */
async function main(): Promise<void> {
  const config = loadBenchConfig();
  const log = createLogger('warn', 'bench');
  const secrets = loadSecrets(config.SECRETS_DIR);
  mkdirSync(RESULTS_DIR, { recursive: true });
  mkdirSync(WORK_DIR, { recursive: true });
  writeFileSync(STACK_LOG, '');

  let database: DatabaseServer | null = null;
  let stack: Stack | null = null;
  let admin: PgClient | null = null;
  let cleanup: (() => Promise<void>) | null = null;
  const stopAll = async () => {
    await cleanup?.().catch((error: unknown) => say(`cleanup failed: ${(error as Error).message}`));
    cleanup = null;
    await stack?.stop().catch(() => undefined);
    await admin?.end().catch(() => undefined);
    await database?.stop().catch(() => undefined);
  };
  // Bounded in time whatever happens: rounds, warm-ups and a generous start-up allowance.
  const phases = 3 + 2 + 3; // target runs per round: scenario 1 (3), 2 (2), 3 (3)
  const budgetMs = 1000 * (phases * (config.BENCH_ROUNDS + 1) * (config.BENCH_SECONDS + 4) + (config.BENCH_PROFILE ? 6 * (config.BENCH_SECONDS + 6) : 0) + 240);
  const watchdog = setTimeout(() => {
    say(`the benchmark exceeded its ${Math.round(budgetMs / 1000)} s budget: stopping`);
    void stopAll().finally(() => process.exit(2));
  }, budgetMs);
  watchdog.unref();
  process.once('SIGINT', () => void stopAll().finally(() => process.exit(130)));

  try {
    const started = Date.now();
    const server = config.DATABASE_URL
      ? externalDatabase(config.DATABASE_URL)
      : await startEmbeddedDatabase({ dataDir: config.BENCH_PG_DIR, port: config.BENCH_PG_PORT, database: BENCH_DATABASE }, secrets, log);
    database = { ...server, database: BENCH_DATABASE };
    await prepareDatabase(database, secrets, { seed: true, log });
    say(`database ready on ${database.host}:${database.port}/${database.database} (${((Date.now() - started) / 1000).toFixed(1)} s)`);

    admin = new PgClient({ connectionString: databaseUrl(database) });
    await admin.connect();
    // Checks the benchmark adds are removed before and after, so every run measures the same data.
    const client = admin;
    cleanup = async () => {
      const bench = `select id from operations."check" where issuing_country = '${BENCH_ISSUING_COUNTRY}'`;
      await client.query('begin');
      await client.query(`delete from operations.hit_notification where hit_id in (select id from operations.hit where check_id in (${bench}))`);
      await client.query(`delete from operations.hit where check_id in (${bench})`);
      await client.query(`delete from operations."check" where id in (${bench})`);
      await client.query('commit');
    };
    await cleanup();
    // Fresh statistics and visibility maps, so autovacuum never kicks in mid-run and every run plans alike.
    await admin.query('vacuum (analyze)');
    say(`database vacuumed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    const auditTable = `${AUDIT_SCHEMA}.access_event`;
    const auditStore = (await admin.query('select to_regclass($1) as t', [auditTable])).rows[0].t !== null;

    stack = await startStacks(config.BENCH_TOPOLOGY, { database, secretsDir: config.SECRETS_DIR, logLevel: config.BENCH_LOG_LEVEL, logFile: STACK_LOG });
    const processList = stack.processes.map((p) => `${p.name} ${p.client.pid}`).join(', ');
    say(`stack ready (${config.BENCH_TOPOLOGY}: ${processList}): gateway ${stack.gateways.gatewayUrl}; log in ${path.relative(process.cwd(), STACK_LOG)}`);
    const running = stack.gateways;
    const subgraphProcess = stack.subgraphs;
    const stackProcesses = stack.processes;
    const db = admin;

    const issuer = await loadOrCreateLocalIssuer(config.SECRETS_DIR);
    const internalKey = await loadOrCreateHubInternalKey(config.SECRETS_DIR);
    const adminHeaders = hubHeaders(await mintToken(issuer, { ...HUB_ADMIN, ttlSeconds: 3600 }));
    const created = await ensureOperations(running.gatewayUrl, adminHeaders, JOIN_SIZE);
    const site = await findScreeningSite(running.gatewayUrl, adminHeaders);
    const officerHeaders = hubHeaders(await mintToken(issuer, { ...borderOfficer(site.organisation), ttlSeconds: 3600 }));
    say(`${created} operations created for the join; screening at checkpoint ${site.checkpointId} (${site.country}) of ${site.operationCode} as an ${site.organisation} officer`);

    const bareAdmin = await running.startBare('admin');
    const bareOfficer = await running.startBare('officer', site.organisation);
    // The subgraph itself, called as the gateway would: a token (fresh for each run: they live 300 s
    // at most) and, per request, the proof binding it to the request id and body.
    let directCalls = 0;
    const directAs = (caller: typeof HUB_ADMIN) => async (): Promise<Target> => {
      const token = await signSubgraphToken(internalKey, { audience: 'operations', principal: principalOf(caller), purpose: BENCH_PURPOSE, ttlSeconds: 300 });
      return {
        url: subgraphProcess.subgraphUrls.operations,
        headers: {},
        signFor: (body) => gatewayCallHeaders(internalKey, 'operations', token, body, `bench-direct-${(directCalls += 1)}`),
      };
    };
    const direct = directAs(HUB_ADMIN);


    // The same answer from every target, or the race is not fair.
    const notes: string[] = [];
    for (const query of [ONE_SUBGRAPH_QUERY, joinQuery(JOIN_SIZE)]) {
      const viaHub = await dataOf(running.gatewayUrl, query, undefined, adminHeaders);
      const viaBare = await dataOf(bareAdmin, query, undefined, {});
      if (JSON.stringify(viaHub) !== JSON.stringify(viaBare)) throw new Error(`hub and bare gateway answer ${query.slice(0, 40)}… differently`);
    }
    const directTarget = await direct();
    const viaDirect = await dataOf(directTarget.url, ONE_SUBGRAPH_QUERY, undefined, directTarget.signFor!);
    if (JSON.stringify(viaDirect) !== JSON.stringify(await dataOf(bareAdmin, ONE_SUBGRAPH_QUERY, undefined, {}))) throw new Error('the subgraph answers scenario 1 differently from the gateways');
    const directOfficer = await directAs(borderOfficer(site.organisation))();
    for (const [url, headers] of [[running.gatewayUrl, officerHeaders], [bareOfficer, {}], [directOfficer.url, directOfficer.signFor!]] as const) {
      const body = await graphql(url, SCREEN_MUTATION, (JSON.parse(screenBody(site, 0)) as { variables: Record<string, unknown> }).variables, headers);
      if (body.errors?.length) throw new Error(`screenDocument fails at ${url}: ${JSON.stringify(body.errors)}`);
    }

    const probes: Probes = {
      settle: async () => (await Promise.all(stackProcesses.map((p) => p.client.waitIdle()))).every(Boolean),
      sqlTotal: () => subgraphProcess.sqlTotal(),
      auditEvents: async () => (auditStore ? Number((await db.query(`select count(*)::bigint as n from ${auditTable}`)).rows[0].n) : null),
    };
    const noAudit: Probes = { ...probes, auditEvents: async () => null };
    let documents = 1;
    const plans: ScenarioPlan[] = [
      {
        id: 'one-subgraph',
        title: '1. one-subgraph query',
        query: ONE_SUBGRAPH_QUERY,
        workload: { body: JSON.stringify({ query: ONE_SUBGRAPH_QUERY }) },
        targets: [
          { name: 'bare', target: async () => ({ url: bareAdmin, headers: {} }) },
          { name: 'hub', target: async () => ({ url: running.gatewayUrl, headers: adminHeaders }) },
          { name: 'direct', target: direct },
        ],
      },
      {
        id: 'join',
        title: `2. ${JOIN_SIZE}-operation join (operations + training + wco)`,
        query: joinQuery(JOIN_SIZE),
        workload: { body: JSON.stringify({ query: joinQuery(JOIN_SIZE) }) },
        targets: [
          { name: 'bare', target: async () => ({ url: bareAdmin, headers: {} }) },
          { name: 'hub', target: async () => ({ url: running.gatewayUrl, headers: adminHeaders }) },
        ],
      },
      {
        id: 'screen',
        title: '3. screenDocument mutation (audited write)',
        query: SCREEN_MUTATION,
        workload: { nextBody: () => screenBody(site, documents++) },
        targets: [
          { name: 'bare', target: async () => ({ url: bareOfficer, headers: {} }) },
          { name: 'hub', target: async () => ({ url: running.gatewayUrl, headers: officerHeaders }) },
          // The ceiling any gateway can reach on this write: the operations subgraph alone.
          { name: 'direct', target: directAs(borderOfficer(site.organisation)) },
        ],
      },
    ];

    const pidFile = path.join(config.BENCH_PG_DIR, 'postmaster.pid');
    const postmaster = !config.DATABASE_URL && existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[0]) : null;
    const cpu = cpuMeter(stackProcesses.map((p) => ({ name: p.name, pid: p.client.pid })), postmaster);
    const loadAtStart = os.loadavg()[0];
    const rawRuns: BenchReport['rawRuns'] = [];
    const profileSections: string[] = [`# CPU profiles of the stack process (${new Date().toISOString()})`, '', 'Sampling profiles (inspector, 250 µs) of the child process while one target was under load; self time is where the CPU was, inclusive time what a call cost with everything it called.', ''];
    const scenarios: ScenarioResult[] = [];
    const run = (target: Target, workload: Workload, seconds: number, name: TargetName) =>
      measure(target, workload, { seconds, connections: config.BENCH_CONNECTIONS, probes: name === 'hub' ? probes : noAudit, cpu });
    for (const plan of plans.filter((p) => config.BENCH_SCENARIOS.includes(p.id))) {
      say(`\n${plan.title}`);
      if (config.BENCH_WARMUP_SECONDS > 0) {
        for (const t of plan.targets) await run(await t.target(), plan.workload, config.BENCH_WARMUP_SECONDS, t.name);
      }
      const byTarget = new Map<TargetName, RunMeasurement[]>();
      for (let round = 1; round <= config.BENCH_ROUNDS; round += 1) {
        for (const t of plan.targets) {
          const result = await run(await t.target(), plan.workload, config.BENCH_SECONDS, t.name);
          rawRuns.push({ scenario: plan.id, round, target: t.name, run: result });
          byTarget.set(t.name, [...(byTarget.get(t.name) ?? []), result]);
          const failed = result.errors + result.non2xx + result.graphqlErrors;
          say(`  round ${round} ${t.name.padEnd(6)} ${Math.round(result.rps).toString().padStart(6)} req/s  p50 ${result.p50.toFixed(1)} ms  p99 ${result.p99.toFixed(1)} ms  SQL/req ${(result.sql / Math.max(result.sent, 1)).toFixed(2)}${result.cpu ? `  cores: stack ${result.cpu.stack.toFixed(2)} pg ${result.cpu.postgres?.toFixed(2) ?? '?'} loadgen ${result.cpu.loadGenerator.toFixed(2)} other ${result.cpu.other.toFixed(2)}` : ''}${failed ? `  FAILED ${failed}` : ''}${result.settled ? '' : '  (stack still busy 20 s after the run)'}`);
        }
      }
      const targets = Object.fromEntries([...byTarget].map(([name, runs]) => [name, summarise(runs)]));
      const ratio = targets.hub && targets.bare ? targets.hub.rps / targets.bare.rps : null;
      scenarios.push({ id: plan.id, title: plan.title, query: plan.query, targets, ratio });

      if (config.BENCH_PROFILE) {
        // Extra runs under the inspector's sampling profiler; their figures are not reported above.
        mkdirSync(PROFILE_DIR, { recursive: true });
        const profiled: ProfiledRun[] = [];
        for (const t of plan.targets.filter((target) => target.name !== 'direct')) {
          const file = (process: string) => path.join(PROFILE_DIR, `${t.name}-${plan.id}-${process}.cpuprofile`);
          await Promise.all(stackProcesses.map((p) => p.client.startProfile()));
          await new Promise((r) => setTimeout(r, 500));
          const result = await run(await t.target(), plan.workload, config.BENCH_SECONDS, t.name);
          await Promise.all(stackProcesses.map((p) => p.client.stopProfile(file(p.name))));
          say(`  profiled ${t.name}: ${Math.round(result.rps)} req/s under the profiler → ${stackProcesses.map((p) => path.relative(process.cwd(), file(p.name))).join(', ')}`);
          for (const p of stackProcesses) profiled.push({ name: stackProcesses.length > 1 ? `${t.name} (${p.name} process)` : t.name, requests: result.sent, summary: summariseProfile(file(p.name)) });
        }
        profileSections.push(`## ${plan.title}`, '', compareProfiles(profiled), ...profiled.map((p) => formatProfile(`${p.name}: ${p.requests} requests`, p.summary)));
      }
    }

    if (config.BENCH_PROFILE) writeFileSync(path.join(RESULTS_DIR, 'profile.md'), profileSections.join('\n'));

    // SQL statements per request must not grow with the list: the join at two sizes, hub and bare.
    const sqlByListSize: BenchReport['sqlByListSize'] = [];
    for (const first of [10, JOIN_SIZE]) {
      const perRequest = async (url: string, headers: Record<string, string>) => {
        const before = await subgraphProcess.sqlTotal();
        for (let i = 0; i < SQL_SAMPLE_REQUESTS; i += 1) await dataOf(url, joinQuery(first), undefined, headers);
        return ((await subgraphProcess.sqlTotal()) - before) / SQL_SAMPLE_REQUESTS;
      };
      sqlByListSize.push({ first, hub: await perRequest(running.gatewayUrl, adminHeaders), bare: await perRequest(bareAdmin, {}) });
    }

    notes.push(
      config.BENCH_TOPOLOGY === 'split'
        ? 'Two child processes: one runs every subgraph, the other the Frontera gateway and the bare gateway (started with HUB_SERVICES, as a deployment on two cores would run them); both gateways call the same subgraph process, and only one gateway is under load at a time. CPU shows the stack as a whole and (gateways + subgraphs). The load generator runs in the parent process.'
        : 'One child process runs every subgraph and both gateways (the Frontera gateway exactly as `npm start` runs it); only one gateway is under load at a time. The load generator runs in the parent process.',
      'Bare gateway: `new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl, buildService }) })` on `startStandaloneServer`, all defaults but Apollo\'s telemetry (off, as for the hub: `createApolloGateway`); the only other deviation is one static, pre-signed subgraph token per subgraph (hub admin for scenarios 1–2, an NCB border officer for 3; 300 s TTL, re-signed every 60 s by a timer), since the subgraphs answer only gateway-signed calls. Security links are stripped from its supergraph (`stripSecurityLinks`), as for the hub.',
      `Hub: a real bearer token from the local issuer and \`x-purpose\` on every request; JWT verification, @policy enforcement, per-subgraph signed tokens${auditStore ? ', one audit event committed per request' : ''} and the request log (level ${config.BENCH_LOG_LEVEL}, to ${path.relative(repoRoot, STACK_LOG)}). NODE_ENV=production for both gateways.`,
      'Direct: the operations subgraph called with a token signed as the gateway signs it (scenario 1 as the hub admin, scenario 3 as the officer): the ceiling for any gateway.',
      'Before measuring, hub, bare gateway and subgraph were checked to return the same data for scenarios 1 and 2, and to accept the screening. Each run starts once the stack is idle again (requests left in flight by the previous run finished).',
      'A response with GraphQL `errors` counts as a failure. SQL / request counts the subgraphs\' ORM statements per request sent (audit writes go through the writer\'s own pool and are not counted). Audit events are counted in the store after each run, so they include the requests still in flight when the load generator stopped (≤ connections per run).',
      `Data: the seeded demo set, topped up with planned BENCH-nnn operations to ${JOIN_SIZE} for the join; screenings use issuing country ${BENCH_ISSUING_COUNTRY} and are deleted before and after the run; the database is vacuumed and analysed before the stack starts.`,
    );
    const foreign = rawRuns.map((r) => r.run.cpu?.other ?? 0);
    const busyRuns = foreign.filter((c) => c > CONTENDED_CORES).length;
    if (busyRuns) {
      notes.unshift(
        `**Warning: other work on this machine used more than ${CONTENDED_CORES} cores during ${busyRuns} of ${rawRuns.length} runs (up to ${Math.max(...foreign).toFixed(2)}; see the CPU column): those figures understate every target, unevenly. Rerun on a quiet machine.**`,
      );
    }
    const report: BenchReport = {
      machine: machine(loadAtStart),
      settings: {
        seconds: config.BENCH_SECONDS,
        rounds: config.BENCH_ROUNDS,
        warmupSeconds: config.BENCH_WARMUP_SECONDS,
        connections: config.BENCH_CONNECTIONS,
        logLevel: config.BENCH_LOG_LEVEL,
        order: 'bare, hub, direct in each round',
        topology: config.BENCH_TOPOLOGY,
      },
      notes,
      scenarios,
      sqlByListSize,
      targets: checkTargets(scenarios, sqlByListSize, auditStore),
      rawRuns,
    };
    const table = markdown(report, auditStore);
    writeFileSync(path.join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(path.join(RESULTS_DIR, 'latest.md'), `# Benchmark: bare @apollo/gateway vs the Frontera hub\n\n${table}`);
    say(`\n${table}`);
    say(`written: ${path.relative(process.cwd(), path.join(RESULTS_DIR, 'latest.json'))}, ${path.relative(process.cwd(), path.join(RESULTS_DIR, 'latest.md'))} (total ${((Date.now() - started) / 1000).toFixed(0)} s)`);
  } finally {
    await stopAll();
    clearTimeout(watchdog);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
