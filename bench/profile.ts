import { readFileSync } from 'node:fs';

/** The parts of a V8 `.cpuprofile` the summary reads. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Milliseconds of CPU per key, largest first. */
export type Ranking = { key: string; ms: number; share: number }[];

/** Where one process spent its CPU while a profile ran. */
export interface ProfileSummary {
  /** Wall time profiled, ms. */
  wallMs: number;
  /** Time not idle, ms. */
  busyMs: number;
  /** Self time by package (or hub folder, or runtime bucket). */
  packagesSelf: Ranking;
  /** Self time by function. */
  functionsSelf: Ranking;
  /** Inclusive time by function (each sample counts once per function on its stack). */
  functionsTotal: Ranking;
}

const RUNTIME_BUCKETS = new Set(['(garbage collector)', '(program)', '(idle)', '(root)']);

/** `node_modules/@apollo/gateway/…` → `@apollo/gateway`; `dist/gateway/…` → `frontera gateway/`. */
export function packageOf(url: string, functionName: string): string {
  if (!url) return RUNTIME_BUCKETS.has(functionName) ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node (internals)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(url);
  if (modules) return modules[1];
  const own = /\/dist\/([^/]+)\//.exec(url);
  if (own) return `frontera ${own[1]}/`;
  return url;
}

function frameKey(frame: CpuProfile['nodes'][number]['callFrame']): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  const file = frame.url.replace(/^file:\/\//, '').replace(/.*node_modules\//, '').replace(/.*\/dist\//, '');
  return `${name} ${file}:${frame.lineNumber + 1}`;
}

function rank(map: Map<string, number>, total: number, top: number): Ranking {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, ms]) => ({ key, ms: Math.round(ms), share: total ? ms / total : 0 }));
}

/** Summarises a `.cpuprofile`: self time by package and function, inclusive time by function. */
export function summariseProfile(file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const packagesSelf = new Map<string, number>();
  const functionsSelf = new Map<string, number>();
  const functionsTotal = new Map<string, number>();
  let busy = 0;
  let wall = 0;
  let profilerMs = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    wall += ms;
    const node = byId.get(id)!;
    const { functionName, url } = node.callFrame;
    if (functionName === '(idle)') return;
    const stack: CpuProfile['nodes'][number]['callFrame'][] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) stack.push(byId.get(at)!.callFrame);
    // The profiler's own start-up (inspector calls) is not the stack's work.
    if (stack.some((frame) => frame.url === 'node:inspector')) {
      profilerMs += ms;
      return;
    }
    busy += ms;
    const pkg = packageOf(url, functionName);
    packagesSelf.set(pkg, (packagesSelf.get(pkg) ?? 0) + ms);
    const key = frameKey(node.callFrame);
    functionsSelf.set(key, (functionsSelf.get(key) ?? 0) + ms);
    const seen = new Set<string>();
    for (const frame of stack) {
      if (RUNTIME_BUCKETS.has(frame.functionName)) continue;
      const k = frameKey(frame);
      if (seen.has(k)) continue;
      seen.add(k);
      functionsTotal.set(k, (functionsTotal.get(k) ?? 0) + ms);
    }
  });
  return {
    wallMs: Math.round(wall - profilerMs),
    busyMs: Math.round(busy),
    packagesSelf: rank(packagesSelf, busy, Infinity),
    functionsSelf: rank(functionsSelf, busy, top),
    functionsTotal: rank(functionsTotal, busy, top * 2),
  };
}

/** Markdown of a summary: the three rankings as tables, shares of busy time. */
export function formatProfile(title: string, summary: ProfileSummary): string {
  const table = (heading: string, ranking: Ranking) =>
    [`| ${heading} | ms | share of busy |`, '|---|---:|---:|', ...ranking.slice(0, 25).map((r) => `| \`${r.key.replace(/\|/g, '\\|')}\` | ${r.ms} | ${(r.share * 100).toFixed(1)} % |`)].join('\n');
  return [
    `### ${title}`,
    '',
    `Profiled ${(summary.wallMs / 1000).toFixed(1)} s wall, ${(summary.busyMs / 1000).toFixed(1)} s busy (${((summary.busyMs / summary.wallMs) * 100).toFixed(0)} % of one core).`,
    '',
    table('Self time by package', summary.packagesSelf),
    '',
    table('Self time by function', summary.functionsSelf),
    '',
    table('Inclusive time by function', summary.functionsTotal),
    '',
  ].join('\n');
}

/** A profiled run: its summary and how many requests it answered. */
export interface ProfiledRun {
  name: string;
  requests: number;
  summary: ProfileSummary;
}

/**
 * CPU per request by package, side by side (e.g. bare vs hub on the same scenario): the rows that
 * differ are what one gateway does that the other does not.
 */
export function compareProfiles(runs: ProfiledRun[], top = 20): string {
  const perRequest = runs.map((run) => new Map(run.summary.packagesSelf.map((r) => [r.key, r.ms / Math.max(run.requests, 1)])));
  const keys = [...new Set(runs.flatMap((run) => run.summary.packagesSelf.map((r) => r.key)))];
  const spread = (key: string) => Math.max(...perRequest.map((m) => m.get(key) ?? 0)) - Math.min(...perRequest.map((m) => m.get(key) ?? 0));
  const rows = keys.sort((a, b) => spread(b) - spread(a)).slice(0, top);
  const total = runs.map((run) => run.summary.busyMs / Math.max(run.requests, 1));
  return [
    `| CPU ms per request, self time by package | ${runs.map((r) => r.name).join(' | ')} |`,
    `|---|${runs.map(() => '---:').join('|')}|`,
    `| **all (busy)** | ${total.map((t) => `**${t.toFixed(2)}**`).join(' | ')} |`,
    ...rows.map((key) => `| \`${key}\` | ${perRequest.map((m) => (m.get(key) ?? 0).toFixed(2)).join(' | ')} |`),
    '',
  ].join('\n');
}

if (require.main === module) {
  const files = process.argv.slice(2);
  if (!files.length) {
    process.stderr.write('usage: node dist/bench/profile.js <file.cpuprofile>...\n');
    process.exit(1);
  }
  for (const file of files) process.stdout.write(`${formatProfile(file, summariseProfile(file))}\n`);
}
