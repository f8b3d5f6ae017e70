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
import { cpuMeter, residentMiB } from './cpu';
import { BENCH_PURPOSE, borderOfficer, HUB_ADMIN, principalOf } from './identities';
import { measure, type Probes, type RunMeasurement, type Target, type Workload } from './load';
import { compareProfiles, formatProfile, summariseProfile, type ProfiledRun } from './profile';
import { checkTargets, DETAIL_HEADING, machine, markdown, summarise, TARGET_LABELS, WARNING, type BenchReport, type MemoryRow, type ScenarioResult, type TargetName } from './report';
import { BENCH_ISSUING_COUNTRY, dataOf, ensureOperations, findScreeningSite, graphql, hubHeaders, JOIN_SIZE, joinQuery, ONE_SUBGRAPH_QUERY, screenBody, SCREEN_MUTATION } from './scenarios';
import { prepareBaseline, type Baseline } from './baseline';
import { startStack, withGateway, type StackClient, type StackOptions } from './stack-client';

const RESULTS_DIR = path.join(repoRoot, 'bench', 'results');
const WORK_DIR = path.join(repoRoot, '.frontera');
const STACK_LOG = path.join(WORK_DIR, 'bench-stack.log');
const PROFILE_DIR = path.join(WORK_DIR, 'bench-profiles');
/** Cores used by other processes above which a run's figures are flagged as disturbed. */
const CONTENDED_CORES = 0.25;
/** Requests per list size when counting SQL statements of the join (sequential, not timed). */
const SQL_SAMPLE_REQUESTS = 20;

const say = (line: string) => process.stdout.write(`${line}\n`);

/** The hub setting that turns identity-safe coalescing of subgraph fetches off, where the hub has it. */
const COALESCING_SETTING = { SUBGRAPH_DEDUP: 'off' };

interface PlannedTarget {
  name: TargetName;
  target: () => Promise<Target>;
  /** The process whose subgraphs answer this target (SQL is counted there). */
  subgraphs: StackClient;
}

interface ScenarioPlan {
  id: string;
  title: string;
  query: string;
  targets: PlannedTarget[];
  workload: Workload;
}

/** A stack process of the run, by role. */
interface NamedProcess {
  name: string;
  client: StackClient;
}

/**
 * `npm run bench`: the embedded database (or DATABASE_URL's server, database `frontera_bench`),
 * migrated and seeded; the stacks under test in child processes (the hub as `npm start` runs it,
 * with the peer gateways beside it; the hub with coalescing off; the split layouts; a baseline
 * commit's hub); the same answers checked from every target; then, interleaved per round, every
 * target under the same load; SQL per request by list size; two soaks with resident memory read
 * after each. Writes bench/results/latest.json and latest.md and prints the tables.
 */
async function main(): Promise<void> {
  const config = loadBenchConfig();
  const log = createLogger('warn', 'bench');
  const secrets = loadSecrets(config.SECRETS_DIR);
  mkdirSync(RESULTS_DIR, { recursive: true });
  mkdirSync(WORK_DIR, { recursive: true });
  writeFileSync(STACK_LOG, '');
  const started = Date.now();

  // Before anything starts: checking out and compiling a baseline takes a minute or two, once per commit.
  const baselineBuild: Baseline | null = config.BENCH_BASELINE ? prepareBaseline(config.BENCH_BASELINE, say) : null;
  if (baselineBuild && !baselineBuild.ancestor) {
    say(`warning: the baseline ${baselineBuild.commit.slice(0, 12)} is not an ancestor of HEAD; it shares this tree's database, migrated by this tree`);
  }

  let database: DatabaseServer | null = null;
  const processes: NamedProcess[] = [];
  let admin: PgClient | null = null;
  let cleanup: (() => Promise<void>) | null = null;
  const stopAll = async () => {
    await cleanup?.().catch((error: unknown) => say(`cleanup failed: ${(error as Error).message}`));
    cleanup = null;
    await Promise.all(processes.splice(0).map((p) => p.client.stop().catch(() => undefined)));
    await admin?.end().catch(() => undefined);
    await database?.stop().catch(() => undefined);
  };
  // Bounded in time whatever happens: rounds, warm-ups, soaks and a generous start-up allowance.
  const runsPerRound = 9 + 7 + 5;
  const budgetMs =
    1000 * (runsPerRound * config.BENCH_ROUNDS * (config.BENCH_SECONDS + 5) + runsPerRound * (config.BENCH_WARMUP_SECONDS + 5) + (config.BENCH_PROFILE ? 9 * (config.BENCH_SECONDS + 6) : 0) + 360) +
    2 * config.BENCH_SOAK_MS;
  const watchdog = setTimeout(() => {
    say(`the benchmark exceeded its ${Math.round(budgetMs / 1000)} s budget: stopping`);
    void stopAll().finally(() => process.exit(2));
  }, budgetMs);
  watchdog.unref();
  process.once('SIGINT', () => void stopAll().finally(() => process.exit(130)));

  try {
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

    // Every process gets its own audit writer id: two with the same one would seal each other's chains.
    const stackOptions = (services: StackOptions['services'], writer: string, extra: Partial<StackOptions> = {}): StackOptions => ({
      database: database!,
      secretsDir: config.SECRETS_DIR,
      logLevel: config.BENCH_LOG_LEVEL,
      logFile: STACK_LOG,
      services,
      ...extra,
      env: { AUDIT_WRITER_ID: `bench-${writer}`, ...extra.env },
    });
    const startNamed = async (name: string, options: StackOptions) => {
      const client = await startStack(options);
      processes.push({ name, client });
      return client;
    };
    // Independent processes start together; a split layout's gateways once its subgraphs listen.
    const [main, unCoalesced, splitSubgraphs, baselineProcess] = await Promise.all([
      startNamed('hub', stackOptions('all', 'hub')).then(withGateway),
      startNamed('hub, coalescing off', stackOptions('all', 'hub-uncoalesced', { env: COALESCING_SETTING })).then(withGateway),
      config.BENCH_LAYOUTS ? startNamed('split: subgraphs', stackOptions('subgraphs', 'split-subgraphs')) : null,
      // The baseline's own stack script (its protocol is this one's, less the extras it ignores).
      baselineBuild ? startNamed(`baseline ${baselineBuild.commit.slice(0, 12)}`, { ...stackOptions('all', 'baseline'), script: baselineBuild.script, env: undefined }).then(withGateway) : null,
    ]);
    const splitGateways = splitSubgraphs
      ? await Promise.all([1, 2].map((n) => startNamed(`split: gateway ${n}`, stackOptions('gateways', `split-gateway-${n}`, { subgraphUrls: splitSubgraphs.subgraphUrls })).then(withGateway)))
      : [];
    // Listed (CPU columns, notes) in the order of their roles, not of their start-up.
    const ROLE_ORDER = ['hub', 'hub, coalescing off', 'split: subgraphs', 'split: gateway 1', 'split: gateway 2'];
    processes.sort((a, b) => (ROLE_ORDER.indexOf(a.name) + 1 || 99) - (ROLE_ORDER.indexOf(b.name) + 1 || 99));
    // Without the setting (a tree before coalescing), that process is the hub as is: not needed twice.
    const coalescingSetting = !unCoalesced.ignoredEnv.includes(Object.keys(COALESCING_SETTING)[0]);
    if (!coalescingSetting) {
      await unCoalesced.stop();
      processes.splice(processes.findIndex((p) => p.client === unCoalesced), 1);
      say('this tree\'s hub has no SUBGRAPH_DEDUP setting: no coalescing-off target (the hub has no coalescing to turn off)');
    }
    say(`stacks ready: ${processes.map((p) => `${p.name} (pid ${p.client.pid})`).join(', ')}; their log in ${path.relative(process.cwd(), STACK_LOG)}`);

    const issuer = await loadOrCreateLocalIssuer(config.SECRETS_DIR);
    const internalKey = await loadOrCreateHubInternalKey(config.SECRETS_DIR);
    const adminHeaders = hubHeaders(await mintToken(issuer, { ...HUB_ADMIN, ttlSeconds: 3600 }));
    const created = await ensureOperations(main.gatewayUrl, adminHeaders, JOIN_SIZE);
    const site = await findScreeningSite(main.gatewayUrl, adminHeaders);
    const officerHeaders = hubHeaders(await mintToken(issuer, { ...borderOfficer(site.organisation), ttlSeconds: 3600 }));
    say(`${created} operations created for the join; screening at checkpoint ${site.checkpointId} (${site.country}) of ${site.operationCode} as an ${site.organisation} officer`);

    // Peer gateways in the hub's process, as the bare gateway always was: one per identity.
    const peers = {
      bare: { admin: await main.startBare('admin'), officer: await main.startBare('officer', site.organisation) },
      hive: { admin: await main.startBare('admin', undefined, 'hive'), officer: await main.startBare('officer', site.organisation, 'hive') },
      'hive-nodedup': { admin: await main.startBare('admin', undefined, 'hive-nodedup'), officer: await main.startBare('officer', site.organisation, 'hive-nodedup') },
    };
    // The subgraph itself, called as the gateway would: a token (fresh for each run: they live 300 s
    // at most) and, per request, the proof binding it to the request id and body.
    let directCalls = 0;
    const directAs = (caller: typeof HUB_ADMIN) => async (): Promise<Target> => {
      const token = await signSubgraphToken(internalKey, { audience: 'operations', principal: principalOf(caller), purpose: BENCH_PURPOSE, ttlSeconds: 300 });
      return {
        url: main.subgraphUrls.operations,
        headers: {},
        signFor: (body) => gatewayCallHeaders(internalKey, 'operations', token, body, `bench-direct-${(directCalls += 1)}`),
      };
    };

    // Who answers each scenario, in the order of every round.
    const hubTargets = (headers: Record<string, string>, withLayouts: boolean): PlannedTarget[] => [
      { name: 'hub', target: async () => ({ url: main.gatewayUrl, headers }), subgraphs: main },
      ...(coalescingSetting ? [{ name: 'hub-nodedup' as const, target: async () => ({ url: unCoalesced.gatewayUrl, headers }), subgraphs: unCoalesced }] : []),
      ...(baselineProcess ? [{ name: 'baseline' as const, target: async () => ({ url: baselineProcess.gatewayUrl, headers }), subgraphs: baselineProcess }] : []),
      ...(withLayouts && splitSubgraphs
        ? [
          { name: 'split-1' as const, target: async () => ({ url: splitGateways[0].gatewayUrl, headers }), subgraphs: splitSubgraphs },
          { name: 'split-2' as const, target: async () => ({ url: splitGateways.map((g) => g.gatewayUrl), headers }), subgraphs: splitSubgraphs },
        ]
        : []),
    ];
    const peerTargets = (identity: 'admin' | 'officer'): PlannedTarget[] =>
      (['bare', 'hive', 'hive-nodedup'] as const).map((name) => ({ name, target: async () => ({ url: peers[name][identity], headers: {} }), subgraphs: main }));
    let documents = 1;
    const allPlans: ScenarioPlan[] = [
      {
        id: 'one-subgraph',
        title: '1. one-subgraph query',
        query: ONE_SUBGRAPH_QUERY,
        workload: { body: JSON.stringify({ query: ONE_SUBGRAPH_QUERY }) },
        targets: [...peerTargets('admin'), ...hubTargets(adminHeaders, true), { name: 'direct' as const, target: directAs(HUB_ADMIN), subgraphs: main }],
      },
      {
        id: 'join',
        title: `2. ${JOIN_SIZE}-operation join (operations + training + wco)`,
        query: joinQuery(JOIN_SIZE),
        workload: { body: JSON.stringify({ query: joinQuery(JOIN_SIZE) }) },
        targets: [...peerTargets('admin'), ...hubTargets(adminHeaders, true).filter((t) => t.name !== 'hub-nodedup')],
      },
      {
        id: 'screen',
        title: '3. screenDocument mutation (audited write)',
        query: SCREEN_MUTATION,
        workload: { nextBody: () => screenBody(site, documents++) },
        targets: [
          // Hive never merges mutations, so its dedup-off variant would only measure the defaults again.
          ...peerTargets('officer').filter((t) => t.name !== 'hive-nodedup'),
          ...hubTargets(officerHeaders, false).filter((t) => t.name !== 'hub-nodedup'),
          // The ceiling any gateway can reach on this write: the operations subgraph alone.
          { name: 'direct' as const, target: directAs(borderOfficer(site.organisation)), subgraphs: main },
        ],
      },
    ];
    const plans = allPlans.filter((p) => config.BENCH_SCENARIOS.includes(p.id));

    // The same answer from every target, or the race is not fair (the baseline's is reported, not required).
    const notes: string[] = [];
    let baselineSameAnswer = true;
    for (const plan of plans.filter((p) => p.id !== 'screen')) {
      const reference = JSON.stringify(await dataOf(main.gatewayUrl, plan.query, undefined, adminHeaders));
      for (const t of plan.targets.filter((target) => target.name !== 'hub')) {
        const target = await t.target();
        const urls = typeof target.url === 'string' ? [target.url] : target.url;
        for (const url of urls) {
          const answer = JSON.stringify(await dataOf(url, plan.query, undefined, target.signFor ?? target.headers));
          if (answer === reference) continue;
          if (t.name !== 'baseline') throw new Error(`${TARGET_LABELS[t.name]} answers ${plan.title} differently from the hub: the race would not be fair`);
          baselineSameAnswer = false;
          say(`warning: the baseline answers ${plan.title} differently from this tree`);
        }
      }
    }
    const screening = plans.find((p) => p.id === 'screen');
    for (const t of screening?.targets ?? []) {
      const target = await t.target();
      for (const url of typeof target.url === 'string' ? [target.url] : target.url) {
        const body = await graphql(url, SCREEN_MUTATION, (JSON.parse(screenBody(site, 0)) as { variables: Record<string, unknown> }).variables, target.signFor ?? target.headers);
        if (body.errors?.length) throw new Error(`screenDocument fails through ${TARGET_LABELS[t.name]}: ${JSON.stringify(body.errors)}`);
      }
    }
    say(`same answers from ${[...new Set(plans.flatMap((p) => p.targets.map((t) => TARGET_LABELS[t.name])))].join(', ')}${baselineProcess && !baselineSameAnswer ? ' (but the baseline differs)' : ''}`);

    // Roughly 1 s of settling and counting per run, measured on a quiet 2-core machine.
    const runCount = plans.reduce((sum, p) => sum + p.targets.length, 0);
    const remainingS = runCount * (config.BENCH_ROUNDS * (config.BENCH_SECONDS + 1) + config.BENCH_WARMUP_SECONDS + 1) + (2 * config.BENCH_SOAK_MS) / 1000 + 20;
    say(`plan: ${runCount} targets × ${config.BENCH_ROUNDS} round(s) × ${config.BENCH_SECONDS} s, then SQL counts and 2 soaks × ${config.BENCH_SOAK_MS / 1000} s: about ${Math.ceil(remainingS / 60)} min from here on a quiet machine`);

    const settle = async () => (await Promise.all(processes.map((p) => p.client.waitIdle()))).every(Boolean);
    const auditEvents = async () => (auditStore ? Number((await admin!.query(`select count(*)::bigint as n from ${auditTable}`)).rows[0].n) : null);
    const probesFor = (t: PlannedTarget): Probes => ({
      settle,
      sqlTotal: () => t.subgraphs.sqlTotal(),
      auditEvents: ['hub', 'hub-nodedup', 'baseline', 'split-1', 'split-2'].includes(t.name) ? auditEvents : async () => null,
    });

    const pidFile = path.join(config.BENCH_PG_DIR, 'postmaster.pid');
    const postmaster = !config.DATABASE_URL && existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[0]) : null;
    const cpu = cpuMeter(processes.map((p) => ({ name: p.name, pid: p.client.pid })), postmaster);
    const loadAtStart = os.loadavg()[0];
    const rawRuns: BenchReport['rawRuns'] = [];
    const profileSections: string[] = [`# CPU profiles of the one-process stack (${new Date().toISOString()})`, '', 'Sampling profiles (inspector, 250 µs) of the hub\'s process (which also runs the peer gateways) while one target was under load; self time is where the CPU was, inclusive time what a call cost with everything it called.', ''];
    const scenarios: ScenarioResult[] = [];
    const run = async (t: PlannedTarget, workload: Workload, seconds: number) => measure(await t.target(), workload, { seconds, connections: config.BENCH_CONNECTIONS, probes: probesFor(t), cpu });
    for (const plan of plans) {
      say(`\n${plan.title}`);
      if (config.BENCH_WARMUP_SECONDS > 0) {
        for (const t of plan.targets) await run(t, plan.workload, config.BENCH_WARMUP_SECONDS);
      }
      const byTarget = new Map<TargetName, RunMeasurement[]>();
      for (let round = 1; round <= config.BENCH_ROUNDS; round += 1) {
        for (const t of plan.targets) {
          const result = await run(t, plan.workload, config.BENCH_SECONDS);
          rawRuns.push({ scenario: plan.id, round, target: t.name, run: result });
          byTarget.set(t.name, [...(byTarget.get(t.name) ?? []), result]);
          const failed = result.errors + result.non2xx + result.graphqlErrors;
          say(`  round ${round} ${TARGET_LABELS[t.name].padEnd(30)} ${Math.round(result.rps).toString().padStart(6)} req/s  p50 ${result.p50.toFixed(1)} ms  p99 ${result.p99.toFixed(1)} ms  SQL/req ${(result.sql / Math.max(result.sent, 1)).toFixed(2)}${result.cpu ? `  cores: stack ${result.cpu.stack.toFixed(2)} pg ${result.cpu.postgres?.toFixed(2) ?? '?'} loadgen ${result.cpu.loadGenerator.toFixed(2)} other ${result.cpu.other.toFixed(2)}` : ''}${failed ? `  FAILED ${failed}` : ''}${result.settled ? '' : '  (stack still busy 20 s after the run)'}`);
        }
      }
      scenarios.push({ id: plan.id, title: plan.title, query: plan.query, targets: Object.fromEntries([...byTarget].map(([name, runs]) => [name, summarise(runs)])) });

      if (config.BENCH_PROFILE) {
        // Extra runs under the inspector's sampling profiler; their figures are not reported above.
        mkdirSync(PROFILE_DIR, { recursive: true });
        const profiled: ProfiledRun[] = [];
        for (const t of plan.targets.filter((target) => ['hub', 'bare', 'hive'].includes(target.name))) {
          const file = path.join(PROFILE_DIR, `${t.name}-${plan.id}.cpuprofile`);
          await main.startProfile();
          await new Promise((r) => setTimeout(r, 500));
          const result = await run(t, plan.workload, config.BENCH_SECONDS);
          await main.stopProfile(file);
          say(`  profiled ${TARGET_LABELS[t.name]}: ${Math.round(result.rps)} req/s under the profiler → ${path.relative(process.cwd(), file)}`);
          profiled.push({ name: TARGET_LABELS[t.name], requests: result.sent, summary: summariseProfile(file) });
        }
        profileSections.push(`## ${plan.title}`, '', compareProfiles(profiled), ...profiled.map((p) => formatProfile(`${p.name}: ${p.requests} requests`, p.summary)));
      }
    }
    if (config.BENCH_PROFILE) writeFileSync(path.join(RESULTS_DIR, 'profile.md'), profileSections.join('\n'));

    // SQL statements per request must not grow with the list: the join at two sizes, sequentially.
    const sqlByListSize: BenchReport['sqlByListSize'] = [];
    const perRequest = async (url: string, headers: Record<string, string>, subgraphs: StackClient, first: number) => {
      const before = await subgraphs.sqlTotal();
      for (let i = 0; i < SQL_SAMPLE_REQUESTS; i += 1) await dataOf(url, joinQuery(first), undefined, headers);
      return ((await subgraphs.sqlTotal()) - before) / SQL_SAMPLE_REQUESTS;
    };
    for (const first of [10, JOIN_SIZE]) {
      sqlByListSize.push({
        first,
        hub: await perRequest(main.gatewayUrl, adminHeaders, main, first),
        bare: await perRequest(peers.bare.admin, {}, main, first),
        baseline: baselineProcess ? await perRequest(baselineProcess.gatewayUrl, adminHeaders, baselineProcess, first) : null,
      });
    }

    // Two soaks of the hub (half the connections reading, half screening); resident memory after each.
    const memory: MemoryRow[] = [];
    if (config.BENCH_SOAK_MS > 0) {
      const soakProcesses = processes.filter((p) => p.client === main);
      const soak = async (n: number) => {
        const seconds = config.BENCH_SOAK_MS / 1000;
        const half = Math.max(1, Math.floor(config.BENCH_CONNECTIONS / 2));
        const [reads, writes] = await Promise.all([
          measure({ url: main.gatewayUrl, headers: adminHeaders }, { body: JSON.stringify({ query: ONE_SUBGRAPH_QUERY }) }, { seconds, connections: half }),
          measure({ url: main.gatewayUrl, headers: officerHeaders }, { nextBody: () => screenBody(site, documents++) }, { seconds, connections: half }),
        ]);
        await settle();
        const failed = [reads, writes].reduce((sum, r) => sum + r.errors + r.non2xx + r.graphqlErrors, 0);
        say(`  soak ${n}: ${Math.round(reads.rps)} reads/s + ${Math.round(writes.rps)} screenings/s for ${seconds} s${failed ? `, FAILED ${failed}` : ''}; resident ${soakProcesses.map((p) => `${p.name} ${residentMiB(p.client.pid)?.toFixed(0) ?? '?'} MiB`).join(', ')}`);
        return soakProcesses.map((p) => residentMiB(p.client.pid));
      };
      say('\nsoaks of the hub (one process, as npm start)');
      const first = await soak(1);
      const second = await soak(2);
      soakProcesses.forEach((p, i) => memory.push({ process: `${p.name} (one process, as \`npm start\`)`, afterFirstMiB: first[i], afterSecondMiB: second[i] }));
    }

    notes.push(
      `Processes: ${processes.map((p) => p.name).join('; ')}. "hub" is one process running every subgraph and the Frontera gateway exactly as \`npm start\` runs it; the peer gateways (bare @apollo/gateway, Hive Gateway) run in that same process and call its subgraphs. Only one target is under load at a time (every process stays up throughout; the idle ones' share shows in the per-process CPU split); the load generator runs in the parent process.`,
      'Bare gateway: `new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl, buildService }) })` on `startStandaloneServer`, all defaults but Apollo\'s telemetry (off, as for the hub: `createApolloGateway`); the only other deviation is one static, pre-signed subgraph token per subgraph (hub admin for scenarios 1–2, an NCB border officer for 3; 300 s TTL, re-signed every 60 s by a timer), since the subgraphs answer only gateway-signed calls. Security links are stripped from its supergraph (`stripSecurityLinks`), as for the hub.',
      'Hive Gateway: `createGatewayRuntime({ supergraph, transportEntries, plugins })` (@graphql-hive/gateway-runtime 2.12.1, @graphql-mesh/transport-http 1.2.1) on `node:http`, with the same supergraph, subgraphs and static tokens as the bare gateway (added per fetch in a plugin\'s `onFetch`, after deduplication). "defaults": identical in-flight subgraph queries are merged (`deduplicateInflightRequests`, on by default); "dedup off": `deduplicateInflightRequests: false` (not run on the screening: mutations are never merged).',
      `Hub: a real bearer token from the local issuer and \`x-purpose\` on every request; JWT verification, @policy enforcement, per-subgraph signed tokens${auditStore ? ', one audit event committed per request' : ''} and the request log (level ${config.BENCH_LOG_LEVEL}, to ${path.relative(repoRoot, STACK_LOG)}). NODE_ENV=production for every gateway. ${coalescingSetting ? '"hub, coalescing off": a second one-process hub with `SUBGRAPH_DEDUP=off`, for the gateway-cost target.' : 'This tree\'s hub has no `SUBGRAPH_DEDUP` setting, so the gateway-cost target uses the hub as is.'}`,
      ...(splitSubgraphs ? ['Layouts: "split" runs every subgraph in one process and the Frontera gateway in others (`HUB_SERVICES`); with 2 gateway processes the load generator spreads its connections evenly over both (one autocannon per process; p50 is then the answer-weighted mean of theirs, p99 the worse).'] : []),
      ...(baselineBuild ? [`Baseline: commit ${baselineBuild.commit.slice(0, 12)} checked out in ${baselineBuild.dir} (${baselineBuild.install}), compiled, and started as its own one-process stack through its own bench/stack.js, on the same database as this tree (migrated by this tree${baselineBuild.ancestor ? '; the baseline is an ancestor, so its migrations are a subset' : '; **the baseline is not an ancestor of HEAD**'}). Its audit writer id is its default.`] : []),
      'Direct: the operations subgraph called with a token signed as the gateway signs it (scenario 1 as the hub admin, scenario 3 as the officer): the ceiling for any gateway.',
      'Before measuring, every target was checked to return the same data as the hub for scenarios 1 and 2 (the baseline\'s difference is reported, not fatal), and to accept the screening. Each run starts once every stack process is idle again (requests left in flight by the previous run finished).',
      'A response with GraphQL `errors` counts as a failure. SQL / request counts the subgraphs\' ORM statements per request sent (audit writes go through the writer\'s own pool and are not counted). Audit events are counted in the store after each run, so they include the requests still in flight when the load generator stopped (≤ connections per run).',
      `Soaks: ${config.BENCH_SOAK_MS / 1000} s each, half the connections reading (scenario 1) and half screening (scenario 3) through the hub; resident memory (VmRSS) read once the process is idle after each.`,
      `Data: the seeded demo set, topped up with planned BENCH-nnn operations to ${JOIN_SIZE} for the join; screenings use issuing country ${BENCH_ISSUING_COUNTRY} and are deleted before and after the run; the database is vacuumed and analysed before the stacks start.`,
    );
    const unanswered = rawRuns.filter((r) => r.run.answered === 0);
    if (unanswered.length) {
      notes.unshift(`${WARNING} ${unanswered.length} run(s) got no answer at all within their ${config.BENCH_SECONDS} s (${unanswered.map((r) => `${r.scenario} ${TARGET_LABELS[r.target]}`).join(', ')}): too short for this machine's latency; their ratios are meaningless.**`);
    }
    const foreign = rawRuns.map((r) => r.run.cpu?.other ?? 0);
    const busyRuns = foreign.filter((c) => c > CONTENDED_CORES).length;
    if (busyRuns) {
      notes.unshift(
        `${WARNING} other work on this machine used more than ${CONTENDED_CORES} cores during ${busyRuns} of ${rawRuns.length} runs (up to ${Math.max(...foreign).toFixed(2)}; see the CPU column): those figures understate every target, unevenly. Rerun on a quiet machine.**`,
      );
    }
    const partial: Omit<BenchReport, 'targets' | 'machine' | 'rawRuns'> = {
      settings: {
        seconds: config.BENCH_SECONDS,
        rounds: config.BENCH_ROUNDS,
        warmupSeconds: config.BENCH_WARMUP_SECONDS,
        connections: config.BENCH_CONNECTIONS,
        logLevel: config.BENCH_LOG_LEVEL,
        order: 'in each round: bare, Hive defaults, Hive dedup off, hub, hub coalescing off, baseline, split ×1, split ×2, subgraph alone',
        soakSeconds: config.BENCH_SOAK_MS / 1000,
        quick: config.BENCH_QUICK,
      },
      baseline: baselineBuild ? { commit: baselineBuild.commit, subject: baselineBuild.subject, install: baselineBuild.install, sameAnswer: baselineSameAnswer } : null,
      coalescingSetting,
      memory,
      notes,
      scenarios,
      sqlByListSize,
    };
    const report: BenchReport = { machine: machine(loadAtStart), ...partial, targets: checkTargets(partial, auditStore), rawRuns };
    const table = markdown(report, auditStore);
    writeFileSync(path.join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(path.join(RESULTS_DIR, 'latest.md'), `# Benchmark: the Frontera hub against bare @apollo/gateway, Hive Gateway${baselineBuild ? ' and a baseline commit' : ''}\n\n${table}`);
    say(`\n${table}`);
    // A full run of every scenario is what the README keeps; a quick or partial one never replaces it.
    if (!config.BENCH_QUICK && plans.length === allPlans.length) say(updateReadme(table) ? 'README.md: the Performance figures replaced by this run\'s' : `README.md: no ${README_BEGIN} marker, figures not copied`);
    say(`written: ${path.relative(process.cwd(), path.join(RESULTS_DIR, 'latest.json'))}, ${path.relative(process.cwd(), path.join(RESULTS_DIR, 'latest.md'))} (total ${((Date.now() - started) / 1000).toFixed(0)} s)`);
  } finally {
    await stopAll();
    clearTimeout(watchdog);
  }
}

const README_BEGIN = '<!-- bench:latest:begin -->';
const README_END = '<!-- bench:latest:end -->';

/** Replaces the README's figures between the bench markers by this run's summary (everything before the detail). */
function updateReadme(table: string): boolean {
  const readme = path.join(repoRoot, 'README.md');
  const text = readFileSync(readme, 'utf8');
  const [begin, end] = [text.indexOf(README_BEGIN), text.indexOf(README_END)];
  if (begin < 0 || end < begin) return false;
  const summary = table.split(DETAIL_HEADING)[0].trimEnd();
  writeFileSync(readme, `${text.slice(0, begin + README_BEGIN.length)}\n${summary}\n\nEvery target's detail (latency, errors, SQL, audit events, CPU) and the notes: \`bench/results/latest.md\`.\n${text.slice(end)}`);
  return true;
}

main().catch((error: unknown) => {
  process.stderr.write(`benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
