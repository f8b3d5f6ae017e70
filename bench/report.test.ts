import { loadBenchConfig } from './bench-config';
import { checkTargets, summarise, type ScenarioResult, type TargetName } from './report';
import type { RunMeasurement } from './load';

/** One run answering `rps` requests per second for 5 s with the given p99. */
function run(rps: number, p99 = 100): RunMeasurement {
  return { seconds: 5, answered: rps * 5, sent: rps * 5, rps, p50: p99 / 2, p99, errors: 0, non2xx: 0, graphqlErrors: 0, sql: rps * 5, auditEvents: rps * 5, settled: true, cpu: null };
}

function scenario(id: string, figures: Partial<Record<TargetName, RunMeasurement>>): ScenarioResult {
  return { id, title: id, query: '', targets: Object.fromEntries(Object.entries(figures).map(([name, r]) => [name, summarise([r!])])) };
}

const verdict = (checks: ReturnType<typeof checkTargets>, start: string) => checks.find((c) => c.target.startsWith(start))?.met;

describe('checkTargets (issue 17)', () => {
  const base = { sqlByListSize: [{ first: 10, hub: 4, bare: 4, baseline: 4 }, { first: 100, hub: 4, bare: 4, baseline: 4 }], coalescingSetting: true, memory: [] };

  it('compares the hub with Hive defaults, the bare gateway, the baseline and the subgraph alone, each as a ratio', () => {
    const checks = checkTargets(
      {
        ...base,
        baseline: { commit: 'abc', subject: 's', install: 'x', sameAnswer: true },
        scenarios: [
          scenario('one-subgraph', { hub: run(1200), hive: run(1100), bare: run(1000), 'hub-nodedup': run(500), direct: run(1000) }),
          scenario('join', { hub: run(100), hive: run(120), bare: run(60), baseline: run(50) }),
        ],
      },
      true,
    );
    expect(verdict(checks, 'one-subgraph: hub ≥ Hive')).toBe(true);
    expect(verdict(checks, 'join: hub ≥ Hive')).toBe(false);
    expect(verdict(checks, 'join: hub ≥ 2× the baseline')).toBe(true);
    // The gateway cost is read with coalescing off: 500 ÷ 1000.
    expect(checks.find((c) => c.target.startsWith('gateway cost'))).toMatchObject({ measured: '0.50×', met: false });
    expect(verdict(checks, 'join: SQL statements per request independent')).toBe(true);
  });

  it('says n/a, not met or not, where nothing was measured', () => {
    const checks = checkTargets({ ...base, baseline: null, scenarios: [scenario('join', { hub: run(100) }), scenario('screen', { hub: run(0), bare: run(300) })] }, true);
    expect(verdict(checks, 'join: hub ≥ 2× the baseline')).toBeNull();
    expect(verdict(checks, 'join: hub ≥ Hive')).toBeNull();
    expect(verdict(checks, 'screenings: hub p99')).toBeNull();
    expect(verdict(checks, '≥ 1,000 audited screenings/s')).toBe(false);
  });

  it('counts resident memory growing by more than 5 % between the soaks as growth', () => {
    const memory = (second: number) => [{ process: 'hub', afterFirstMiB: 400, afterSecondMiB: second }];
    expect(verdict(checkTargets({ ...base, baseline: null, scenarios: [], memory: memory(410) }, true), 'resident memory')).toBe(true);
    expect(verdict(checkTargets({ ...base, baseline: null, scenarios: [], memory: memory(440) }, true), 'resident memory')).toBe(false);
  });
});

describe('loadBenchConfig', () => {
  it('runs a full bench by default and a short one with BENCH_QUICK, explicit settings winning', () => {
    expect(loadBenchConfig({})).toMatchObject({ BENCH_ROUNDS: 3, BENCH_SECONDS: 5, BENCH_SOAK_MS: 60_000, BENCH_LAYOUTS: true });
    expect(loadBenchConfig({ BENCH_QUICK: 'true' })).toMatchObject({ BENCH_ROUNDS: 1, BENCH_SECONDS: 3, BENCH_SOAK_MS: 5_000 });
    expect(loadBenchConfig({ BENCH_QUICK: 'true', BENCH_ROUNDS: '2' })).toMatchObject({ BENCH_ROUNDS: 2, BENCH_SECONDS: 3 });
  });
});
