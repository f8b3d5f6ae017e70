import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

/** Linux's USER_HZ: /proc reports CPU time in these ticks on every mainstream build. */
const TICKS_PER_SECOND = 100;

/** CPU time counters at one instant (Linux /proc); elsewhere the benchmark reports no CPU split. */
interface CpuSnapshot {
  at: number;
  systemBusy: number;
  systemTotal: number;
  /** Ticks per watched group. */
  groups: Record<string, number>;
}

/** Cores used during a run, by whom: the stack process, PostgreSQL, the load generator, anything else. */
export interface CpuSplit {
  /** Every process of the stack under test together. */
  stack: number;
  /** Split of `stack` by process when it runs as several (gateways, subgraphs). */
  processes?: Record<string, number>;
  postgres: number | null;
  loadGenerator: number;
  /** Busy CPU not accounted for by the above (other work on the machine). */
  other: number;
}

function processTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields after the name start at field 3 (state): utime is field 14, stime 15.
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

function childrenOf(parent: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent) pids.push(Number(entry));
    } catch {
      // The process ended meanwhile.
    }
  }
  return pids;
}

/** Watches CPU use of the benchmark's processes; `postmasterPid` null when PostgreSQL runs elsewhere. */
export function cpuMeter(stackProcesses: { name: string; pid: number }[], postmasterPid: number | null) {
  const supported = process.platform === 'linux';
  const snapshot = (): CpuSnapshot | null => {
    if (!supported) return null;
    const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const busy = user + nice + system + irq + softirq + steal;
    const groups: Record<string, number> = { loadGenerator: processTicks(process.pid) };
    for (const { name, pid } of stackProcesses) groups[`stack:${name}`] = processTicks(pid);
    if (postmasterPid) groups.postgres = [postmasterPid, ...childrenOf(postmasterPid)].reduce((sum, pid) => sum + processTicks(pid), 0);
    return { at: performance.now(), systemBusy: busy, systemTotal: busy + idle + iowait, groups };
  };
  return {
    snapshot,
    /** Cores used between two snapshots. */
    split(before: CpuSnapshot | null, after: CpuSnapshot | null): CpuSplit | null {
      if (!before || !after) return null;
      const seconds = (after.at - before.at) / 1000;
      const cores = (ticks: number) => ticks / TICKS_PER_SECOND / seconds;
      const systemCores = ((after.systemBusy - before.systemBusy) / (after.systemTotal - before.systemTotal)) * os.cpus().length;
      const processes = Object.fromEntries(stackProcesses.map(({ name }) => [name, cores(after.groups[`stack:${name}`] - before.groups[`stack:${name}`])]));
      const stack = Object.values(processes).reduce((sum, c) => sum + c, 0);
      const loadGenerator = cores(after.groups.loadGenerator - before.groups.loadGenerator);
      const postgres = after.groups.postgres === undefined ? null : Math.max(0, cores(after.groups.postgres - (before.groups.postgres ?? 0)));
      return {
        stack,
        ...(stackProcesses.length > 1 ? { processes } : {}),
        postgres,
        loadGenerator,
        other: Math.max(0, systemCores - stack - loadGenerator - (postgres ?? 0)),
      };
    },
  };
}

export type CpuMeter = ReturnType<typeof cpuMeter>;

/** Resident memory of a process in MiB (Linux /proc), `null` elsewhere or once it has exited. */
export function residentMiB(pid: number): number | null {
  try {
    const kib = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib ? Number(kib) / 1024 : null;
  } catch {
    return null;
  }
}
