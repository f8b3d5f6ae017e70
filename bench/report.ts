import os from 'node:os';
import type { CpuSplit } from './cpu';
import type { RunMeasurement } from './load';

/** Who answers a scenario's requests (see TARGET_LABELS). */
export type TargetName = 'hub' | 'bare' | 'hive' | 'hive-nodedup' | 'direct' | 'hub-nodedup' | 'baseline' | 'split-1' | 'split-2';

/** What each target is, in the tables' words. */
export const TARGET_LABELS: Record<TargetName, string> = {
  hub: 'hub',
  bare: 'bare @apollo/gateway',
  hive: 'Hive Gateway, defaults',
  'hive-nodedup': 'Hive, in-flight dedup off',
  direct: 'subgraph alone',
  'hub-nodedup': 'hub, coalescing off',
  baseline: 'baseline hub',
  'split-1': 'hub split, 1 gateway process',
  'split-2': 'hub split, 2 gateway processes',
};

/** The rounds of one target in one scenario, summed up. */
export interface TargetSummary {
  rounds: number;
  seconds: number;
  answered: number;
  sent: number;
  /** Answered requests per second over all rounds. */
  rps: number;
  /** Lowest and highest round. */
  rpsRange: [number, number];
  /** Median of the rounds' percentiles, ms. */
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  graphqlErrors: number;
  /** SQL statements per request sent (in-flight requests at a run's end are executed too). */
  sqlPerRequest: number;
  /** Audit events committed during the rounds; `null` without an audit store or for unaudited targets. */
  auditEvents: number | null;
  /** Mean cores busy per process group over the rounds (Linux only). */
  cpu: CpuSplit | null;
  sample?: string;
}

export interface ScenarioResult {
  id: string;
  title: string;
  query: string;
  targets: Partial<Record<TargetName, TargetSummary>>;
}

/** Resident memory of one stack process after each of the two soaks. */
export interface MemoryRow {
  process: string;
  afterFirstMiB: number | null;
  afterSecondMiB: number | null;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  date: string;
  /** 1-minute load average before the first run and after the last (other work on the machine shows here). */
  loadAverage: { start: number; end: number };
}

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean | null;
}

export interface BenchReport {
  machine: Machine;
  settings: { seconds: number; rounds: number; warmupSeconds: number; connections: number; logLevel: string; order: string; soakSeconds: number; quick: boolean };
  /** The commit raced against (`BENCH_BASELINE`), or null. */
  baseline: { commit: string; subject: string; install: string; sameAnswer: boolean } | null;
  /** Whether the hub of this tree knows `SUBGRAPH_DEDUP` (the coalescing-off target exists only then). */
  coalescingSetting: boolean;
  memory: MemoryRow[];
  /** What differs from defaults, and the stack's layout. */
  notes: string[];
  scenarios: ScenarioResult[];
  /** SQL statements per request of the join, by list size and target (baseline: null without one). */
  sqlByListSize: { first: number; hub: number; bare: number; baseline: number | null }[];
  targets: TargetCheck[];
  rawRuns: { scenario: string; round: number; target: TargetName; run: RunMeasurement }[];
}

export function machine(loadAtStart: number): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString(),
    loadAverage: { start: loadAtStart, end: os.loadavg()[0] },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function meanCpu(splits: (CpuSplit | null)[]): CpuSplit | null {
  if (!splits.length || splits.some((c) => c === null)) return null;
  const mean = (pick: (c: CpuSplit) => number | null) => {
    const values = splits.map((c) => pick(c!));
    return values.some((v) => v === null) ? null : values.reduce<number>((sum, v) => sum + v!, 0) / values.length;
  };
  const names = Object.keys(splits[0]!.processes ?? {});
  const processes = names.length ? { processes: Object.fromEntries(names.map((name) => [name, mean((c) => c.processes?.[name] ?? null) ?? 0])) } : {};
  return { stack: mean((c) => c.stack)!, ...processes, postgres: mean((c) => c.postgres), loadGenerator: mean((c) => c.loadGenerator)!, other: mean((c) => c.other)! };
}

/** Sums a target's rounds of one scenario. */
export function summarise(runs: RunMeasurement[]): TargetSummary {
  const seconds = runs.reduce((s, r) => s + r.seconds, 0);
  const answered = runs.reduce((s, r) => s + r.answered, 0);
  const sent = runs.reduce((s, r) => s + r.sent, 0);
  const audits = runs.map((r) => r.auditEvents);
  return {
    rounds: runs.length,
    seconds,
    answered,
    sent,
    rps: answered / seconds,
    rpsRange: [Math.min(...runs.map((r) => r.rps)), Math.max(...runs.map((r) => r.rps))],
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    errors: runs.reduce((s, r) => s + r.errors, 0),
    non2xx: runs.reduce((s, r) => s + r.non2xx, 0),
    graphqlErrors: runs.reduce((s, r) => s + r.graphqlErrors, 0),
    sqlPerRequest: runs.reduce((s, r) => s + r.sql, 0) / Math.max(sent, 1),
    auditEvents: audits.some((a) => a === null) ? null : audits.reduce((s, a) => s! + a!, 0),
    cpu: meanCpu(runs.map((r) => r.cpu)),
    ...(runs.find((r) => r.sample) ? { sample: runs.find((r) => r.sample)!.sample } : {}),
  };
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function cpuCell(cpu: CpuSplit | null): string {
  if (!cpu) return 'n/a';
  const parts = [cpu.stack, cpu.postgres, cpu.loadGenerator, cpu.other].map((c) => (c === null ? '?' : fmt(c, 2)));
  if (cpu.processes) parts[0] += ` (${Object.values(cpu.processes).map((c) => fmt(c, 2)).join(' + ')})`;
  return parts.join(' / ');
}

const AUDITED: TargetName[] = ['hub', 'hub-nodedup', 'baseline', 'split-1', 'split-2'];

function auditCell(name: TargetName, summary: TargetSummary, auditStore: boolean): string {
  if (!AUDITED.includes(name)) return '–';
  if (!auditStore || summary.auditEvents === null) return 'n/a';
  const lost = Math.max(0, summary.answered - summary.auditEvents);
  return `${fmt(summary.auditEvents)} / ${fmt(summary.answered)}${lost ? ` (**${fmt(lost)} missing**)` : ''}`;
}

const rps = (scenario: ScenarioResult, name: TargetName) => scenario.targets[name]?.rps;
/** `a` ÷ `b` in req/s; null when either was not measured or `b` answered nothing. */
const ratioOf = (scenario: ScenarioResult, a: TargetName, b: TargetName) => {
  const [x, y] = [rps(scenario, a), rps(scenario, b)];
  return x !== undefined && y ? x / y : null;
};
const rpsCell = (scenario: ScenarioResult, name: TargetName) => (rps(scenario, name) === undefined ? '–' : fmt(rps(scenario, name)!));
const times = (ratio: number | null) => (ratio === null ? '–' : `${fmt(ratio, 2)}×`);

/** How a note that qualifies the figures starts (shown above the tables). */
export const WARNING = '**Warning:';

/** Where the detail starts: the README keeps what comes before. */
export const DETAIL_HEADING = '### Every target in detail';

/** The summary tables (the README's format), the targets, then every target's detail, as markdown. */
export function markdown(report: BenchReport, auditStore: boolean): string {
  const m = report.machine;
  const s = report.settings;
  const present = (name: TargetName) => report.scenarios.some((sc) => sc.targets[name]);
  const lines = [
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.os}. Date: ${m.date}. Load average (1 min) ${fmt(m.loadAverage.start, 2)} before, ${fmt(m.loadAverage.end, 2)} after.`,
    `Settings: ${s.quick ? '**quick mode (BENCH_QUICK): indicative only**, ' : ''}${s.rounds} interleaved round(s) × ${s.seconds} s per target (${s.order}), ${s.warmupSeconds} s warm-up, ${s.connections} connections, stack log level ${s.logLevel}, soaks 2 × ${s.soakSeconds} s.`,
    report.baseline ? `Baseline: \`${report.baseline.commit.slice(0, 12)}\` (${report.baseline.subject}); ${report.baseline.install}; same answers as this tree: ${report.baseline.sameAnswer ? 'yes' : '**no**'}.` : 'Baseline: none (set `BENCH_BASELINE=<commit>` to race one).',
    // Warnings (a busy machine, runs without answers) belong with the figures they qualify.
    ...report.notes.filter((n) => n.startsWith(WARNING)).map((n) => `\n${n}`),
    '',
    '### Throughput, one stack process (req/s, all rounds)',
    '',
  ];
  const columns: TargetName[] = (['hub', 'bare', 'hive', 'hive-nodedup', 'direct', 'hub-nodedup', 'baseline'] as const).filter(present);
  const withBaseline = present('baseline');
  lines.push(
    `| scenario (req/s) | ${columns.map((c) => TARGET_LABELS[c]).join(' | ')} | hub ÷ Hive defaults | hub ÷ bare |${withBaseline ? ' hub ÷ baseline |' : ''}`,
    `|---|${columns.map(() => '---:').join('|')}|---:|---:|${withBaseline ? '---:|' : ''}`,
  );
  for (const sc of report.scenarios) {
    lines.push(`| ${sc.title} | ${columns.map((c) => rpsCell(sc, c)).join(' | ')} | ${times(ratioOf(sc, 'hub', 'hive'))} | ${times(ratioOf(sc, 'hub', 'bare'))} |${withBaseline ? ` ${times(ratioOf(sc, 'hub', 'baseline'))} |` : ''}`);
  }
  const layoutScenarios = report.scenarios.filter((sc) => sc.targets['split-1'] || sc.targets['split-2']);
  if (layoutScenarios.length) {
    lines.push(
      '',
      '### Layouts: the hub in one process, and split (subgraphs in one process, the gateway in one or two)',
      '',
      '| scenario (req/s) | one process (as `npm start`) | subgraphs + 1 gateway process | subgraphs + 2 gateway processes | 2 ÷ 1 gateway processes | split 2 ÷ one process |',
      '|---|---:|---:|---:|---:|---:|',
    );
    for (const sc of layoutScenarios) {
      lines.push(`| ${sc.title} | ${rpsCell(sc, 'hub')} | ${rpsCell(sc, 'split-1')} | ${rpsCell(sc, 'split-2')} | ${times(ratioOf(sc, 'split-2', 'split-1'))} | ${times(ratioOf(sc, 'split-2', 'hub'))} |`);
    }
  }
  if (report.memory.length) {
    lines.push('', `### Resident memory after each ${s.soakSeconds} s soak (MiB)`, '', '| process | after soak 1 | after soak 2 | growth |', '|---|---:|---:|---:|');
    for (const row of report.memory) {
      const growth = row.afterFirstMiB && row.afterSecondMiB ? `${fmt(((row.afterSecondMiB - row.afterFirstMiB) / row.afterFirstMiB) * 100, 1)} %` : 'n/a';
      lines.push(`| ${row.process} | ${row.afterFirstMiB === null ? 'n/a' : fmt(row.afterFirstMiB)} | ${row.afterSecondMiB === null ? 'n/a' : fmt(row.afterSecondMiB)} | ${growth} |`);
    }
  }
  lines.push('', '### Targets (issue 17), each a ratio from this run', '', '| target | measured | met |', '|---|---|---|');
  for (const t of report.targets) lines.push(`| ${t.target} | ${t.measured} | ${t.met === null ? 'n/a' : t.met ? 'met' : '**not met**'} |`);

  lines.push(
    '',
    DETAIL_HEADING,
    '',
    '| Scenario | Target | req/s (rounds min–max) | p50 ms | p99 ms | errors / non-2xx / GraphQL errors | SQL / request | audit events / answered | CPU cores: stack processes (each, in the order of the Processes note) / PostgreSQL / load gen. / other |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const scenario of report.scenarios) {
    for (const [name, t] of Object.entries(scenario.targets) as [TargetName, TargetSummary][]) {
      lines.push(
        `| ${scenario.title} | ${TARGET_LABELS[name]} | ${fmt(t.rps)} (${fmt(t.rpsRange[0])}–${fmt(t.rpsRange[1])}) | ${fmt(t.p50, 1)} | ${fmt(t.p99, 1)} | ${t.errors} / ${t.non2xx} / ${t.graphqlErrors} | ${fmt(t.sqlPerRequest, 2)} | ${auditCell(name, t, auditStore)} | ${cpuCell(t.cpu)} |`,
      );
    }
  }
  lines.push('', `| Join list size | SQL / request, hub | SQL / request, bare${report.baseline ? ' | SQL / request, baseline' : ''} |`, `|---:|---:|---:|${report.baseline ? '---:|' : ''}`);
  for (const row of report.sqlByListSize) lines.push(`| first: ${row.first} | ${fmt(row.hub, 2)} | ${fmt(row.bare, 2)} |${report.baseline ? ` ${row.baseline === null ? 'n/a' : fmt(row.baseline, 2)} |` : ''}`);
  const notes = report.notes.filter((n) => !n.startsWith(WARNING));
  if (notes.length) lines.push('', ...notes.map((n) => `- ${n}`));
  const samples = report.scenarios.flatMap((sc) => Object.entries(sc.targets).filter(([, t]) => t?.sample).map(([name, t]) => `- ${sc.title}, ${name}: \`${t!.sample!.replace(/`/g, "'")}\``));
  if (samples.length) lines.push('', 'First failing response per target:', ...samples);
  return `${lines.join('\n')}\n`;
}

/** Growth of resident memory from the first soak to the second above which a process counts as growing. */
const MEMORY_GROWTH_LIMIT = 0.05;

/** Checks issue 17's targets against the measured figures (each a ratio from this run). */
export function checkTargets(report: Pick<BenchReport, 'scenarios' | 'sqlByListSize' | 'baseline' | 'coalescingSetting' | 'memory'>, auditStore: boolean): TargetCheck[] {
  const { scenarios, sqlByListSize } = report;
  const checks: TargetCheck[] = [];
  const ratioCheck = (target: string, ratio: number | null, min: number, missing: string) =>
    checks.push(ratio === null ? { target, measured: missing, met: null } : { target, measured: `${fmt(ratio, 2)}×`, met: ratio >= min });
  for (const sc of scenarios) {
    ratioCheck(`${sc.title}: hub ≥ Hive Gateway with its defaults`, ratioOf(sc, 'hub', 'hive'), 1, 'not measured');
    ratioCheck(`${sc.title}: hub ≥ bare @apollo/gateway`, ratioOf(sc, 'hub', 'bare'), 1, 'not measured');
  }
  const join = scenarios.find((sc) => sc.id === 'join');
  if (join) {
    ratioCheck('join: hub ≥ 2× the baseline', ratioOf(join, 'hub', 'baseline'), 2, report.baseline ? 'not measured' : 'no baseline (BENCH_BASELINE)');
    if (report.baseline) checks.push({ target: 'join: the same answer as the baseline', measured: report.baseline.sameAnswer ? 'same data for scenarios 1 and 2' : 'different data', met: report.baseline.sameAnswer });
  }
  if (sqlByListSize.length >= 2) {
    const [small, large] = [sqlByListSize[0], sqlByListSize[sqlByListSize.length - 1]];
    checks.push({
      target: 'join: SQL statements per request independent of list size (hub)',
      measured: `first: ${small.first} → ${fmt(small.hub, 2)}, first: ${large.first} → ${fmt(large.hub, 2)}`,
      met: Math.abs(large.hub - small.hub) < 0.5,
    });
  }
  const screen = scenarios.find((sc) => sc.id === 'screen');
  const hubScreen = screen?.targets.hub;
  if (screen && hubScreen) {
    const failed = hubScreen.errors + hubScreen.non2xx + hubScreen.graphqlErrors;
    checks.push({ target: `≥ 1,000 audited screenings/s through the hub (${os.cpus().length} cores here; the target is for 2)`, measured: `${fmt(hubScreen.rps)}/s, ${failed} failed`, met: hubScreen.rps >= 1000 && failed === 0 });
    if (auditStore && hubScreen.auditEvents !== null) {
      const lost = Math.max(0, hubScreen.answered - hubScreen.auditEvents);
      checks.push({ target: 'screenings: 0 audit events lost', measured: `${fmt(hubScreen.auditEvents)} events for ${fmt(hubScreen.answered)} answered`, met: lost === 0 });
    } else checks.push({ target: 'screenings: 0 audit events lost', measured: 'n/a (no audit store)', met: null });
    const bare = screen.targets.bare;
    if (bare) {
      const target = 'screenings: hub p99 ≤ bare gateway p99 + 10 %';
      // A run without answers has no latency to compare.
      checks.push(hubScreen.answered && bare.answered
        ? { target, measured: `${fmt(hubScreen.p99, 1)} ms vs ≤ ${fmt(bare.p99 * 1.1, 1)} ms`, met: hubScreen.p99 <= bare.p99 * 1.1 }
        : { target, measured: 'no answers to compare', met: null });
    }
  }
  const one = scenarios.find((sc) => sc.id === 'one-subgraph');
  if (one) {
    const gateway: TargetName = report.coalescingSetting ? 'hub-nodedup' : 'hub';
    ratioCheck(
      `gateway cost: hub${report.coalescingSetting ? ' (coalescing off)' : ' (this tree has no coalescing setting: the hub as is)'} ÷ subgraph alone, one-subgraph query, ≥ 0.6`,
      ratioOf(one, gateway, 'direct'),
      0.6,
      'not measured',
    );
  }
  if (report.memory.length) {
    const growths = report.memory.filter((r) => r.afterFirstMiB && r.afterSecondMiB).map((r) => ({ ...r, growth: (r.afterSecondMiB! - r.afterFirstMiB!) / r.afterFirstMiB! }));
    checks.push({
      target: `resident memory: no growth across two soaks (≤ ${MEMORY_GROWTH_LIMIT * 100} % per process)`,
      measured: growths.length ? growths.map((r) => `${r.process} ${fmt(r.afterFirstMiB!)} → ${fmt(r.afterSecondMiB!)} MiB`).join('; ') : 'n/a (no /proc)',
      met: growths.length ? growths.every((r) => r.growth <= MEMORY_GROWTH_LIMIT) : null,
    });
  }
  return checks;
}
