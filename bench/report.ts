import os from 'node:os';
import type { CpuSplit } from './cpu';
import type { RunMeasurement } from './load';

/** Who answers a scenario's requests. */
export type TargetName = 'bare' | 'hub' | 'direct';

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
  /** hub req/s ÷ bare req/s. */
  ratio: number | null;
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
  settings: { seconds: number; rounds: number; warmupSeconds: number; connections: number; logLevel: string; order: string; topology: 'split' | 'single' };
  /** What differs from defaults, and the stack's layout. */
  notes: string[];
  scenarios: ScenarioResult[];
  /** SQL statements per request of the join, by list size and target. */
  sqlByListSize: { first: number; hub: number; bare: number }[];
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

function auditCell(name: TargetName, summary: TargetSummary, auditStore: boolean): string {
  if (name !== 'hub') return '–';
  if (!auditStore || summary.auditEvents === null) return 'n/a';
  const lost = Math.max(0, summary.answered - summary.auditEvents);
  return `${fmt(summary.auditEvents)} / ${fmt(summary.answered)}${lost ? ` (**${fmt(lost)} missing**)` : ''}`;
}

/** The results table, the list-size check and the targets, as markdown. */
export function markdown(report: BenchReport, auditStore: boolean): string {
  const m = report.machine;
  const s = report.settings;
  const lines = [
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.os}. Date: ${m.date}. Load average (1 min) ${fmt(m.loadAverage.start, 2)} before, ${fmt(m.loadAverage.end, 2)} after.`,
    `Settings: ${s.rounds} interleaved rounds × ${s.seconds} s per target (${s.order}), ${s.warmupSeconds} s warm-up, ${s.connections} connections, stack log level ${s.logLevel}, ${s.topology === 'split' ? 'gateways and subgraphs in two processes' : 'one stack process'}.`,
    '',
    `| Scenario | Target | req/s (rounds min–max) | p50 ms | p99 ms | errors / non-2xx / GraphQL errors | hub ÷ bare | SQL / request | audit events / answered | CPU cores: stack${s.topology === 'split' ? ' (gateways + subgraphs)' : ''} / PostgreSQL / load gen. / other |`,
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const scenario of report.scenarios) {
    for (const name of ['bare', 'hub', 'direct'] as const) {
      const t = scenario.targets[name];
      if (!t) continue;
      lines.push(
        `| ${scenario.title} | ${name} | ${fmt(t.rps)} (${fmt(t.rpsRange[0])}–${fmt(t.rpsRange[1])}) | ${fmt(t.p50, 1)} | ${fmt(t.p99, 1)} | ${t.errors} / ${t.non2xx} / ${t.graphqlErrors} | ${
          name === 'hub' && scenario.ratio !== null ? `${fmt(scenario.ratio, 2)}×` : name === 'direct' && scenario.targets.bare ? `(direct ÷ bare ${fmt(t.rps / scenario.targets.bare.rps, 1)}×)` : '–'
        } | ${fmt(t.sqlPerRequest, 2)} | ${auditCell(name, t, auditStore)} | ${cpuCell(t.cpu)} |`,
      );
    }
  }
  lines.push('', '| Join list size | SQL / request, hub | SQL / request, bare |', '|---:|---:|---:|');
  for (const row of report.sqlByListSize) lines.push(`| first: ${row.first} | ${fmt(row.hub, 2)} | ${fmt(row.bare, 2)} |`);
  lines.push('', '| Target (issue 8) | Measured | Met |', '|---|---|---|');
  for (const t of report.targets) lines.push(`| ${t.target} | ${t.measured} | ${t.met === null ? 'n/a' : t.met ? 'yes' : '**no**'} |`);
  if (report.notes.length) lines.push('', ...report.notes.map((n) => `- ${n}`));
  const samples = report.scenarios.flatMap((sc) => Object.entries(sc.targets).filter(([, t]) => t?.sample).map(([name, t]) => `- ${sc.title}, ${name}: \`${t!.sample!.replace(/`/g, "'")}\``));
  if (samples.length) lines.push('', 'First failing response per target:', ...samples);
  return `${lines.join('\n')}\n`;
}

/** Checks the issue's targets against the measured figures. */
export function checkTargets(scenarios: ScenarioResult[], sqlByListSize: BenchReport['sqlByListSize'], auditStore: boolean): TargetCheck[] {
  const join = scenarios.find((s) => s.id === 'join');
  const screen = scenarios.find((s) => s.id === 'screen');
  const checks: TargetCheck[] = [];
  if (join?.targets.hub && join.targets.bare && join.ratio !== null) {
    checks.push({ target: 'join: hub ≥ 1.0× bare req/s (required)', measured: `${fmt(join.ratio, 2)}×`, met: join.ratio >= 1 });
    checks.push({ target: 'join: hub ≥ 1.2× bare req/s (aim)', measured: `${fmt(join.ratio, 2)}×`, met: join.ratio >= 1.2 });
  }
  for (const scenario of scenarios) {
    const { hub, bare } = scenario.targets;
    if (!hub || !bare) continue;
    const limit = bare.p99 * 1.1;
    checks.push({ target: `${scenario.title}: hub p99 ≤ bare p99 + 10 %`, measured: `${fmt(hub.p99, 1)} ms vs ≤ ${fmt(limit, 1)} ms`, met: hub.p99 <= limit });
  }
  if (screen?.targets.hub) {
    const hub = screen.targets.hub;
    const failed = hub.errors + hub.non2xx + hub.graphqlErrors;
    checks.push({
      target: `≥ 1,000 audited screenDocument/s through the gateway (${os.cpus().length} cores here; the target is for 2)`,
      measured: `${fmt(hub.rps)}/s, ${failed} failed${screen.targets.direct ? `; the operations subgraph alone: ${fmt(screen.targets.direct.rps)}/s` : ''}`,
      met: hub.rps >= 1000 && failed === 0,
    });
    if (auditStore && hub.auditEvents !== null) {
      const lost = Math.max(0, hub.answered - hub.auditEvents);
      checks.push({ target: '0 audit events lost (screenDocument)', measured: `${fmt(hub.auditEvents)} events for ${fmt(hub.answered)} answered`, met: lost === 0 });
    } else {
      checks.push({ target: '0 audit events lost', measured: 'n/a (no audit store)', met: null });
    }
  }
  if (sqlByListSize.length >= 2) {
    const [small, large] = [sqlByListSize[0], sqlByListSize[sqlByListSize.length - 1]];
    checks.push({
      target: 'SQL statements per request independent of list size (hub join)',
      measured: `first: ${small.first} → ${fmt(small.hub, 2)}, first: ${large.first} → ${fmt(large.hub, 2)}`,
      met: Math.abs(large.hub - small.hub) < 0.5,
    });
  }
  return checks;
}
