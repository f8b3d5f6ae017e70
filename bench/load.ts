import autocannon from 'autocannon';
import type { CpuMeter, CpuSplit } from './cpu';

/** What the load generator sends: one fixed body, or a body built per request. */
export interface Workload {
  body?: string;
  /** Builds the next request's body (e.g. a new document number per write). */
  nextBody?: () => string;
}

/** A target of one measured run. */
export interface Target {
  /** Several URLs (gateway processes of one layout): the connections are spread evenly across them. */
  url: string | string[];
  headers: Record<string, string>;
  /** Headers that depend on the body, added per request (a direct subgraph call's proof). */
  signFor?: (body: string) => Record<string, string>;
}

/** Counters read around a run, from the stack and the audit store. */
export interface Probes {
  /** Resolves when the stack has finished what a run left in flight. */
  settle(): Promise<boolean>;
  sqlTotal(): Promise<number>;
  /** Committed audit events; `null` when there is no audit store. */
  auditEvents(): Promise<number | null>;
}

/** One measured run of one target. */
export interface RunMeasurement {
  seconds: number;
  /** Responses received (answered requests). */
  answered: number;
  /** Requests written, including those still in flight when the run stopped. */
  sent: number;
  rps: number;
  p50: number;
  p99: number;
  /** Socket errors and timeouts. */
  errors: number;
  non2xx: number;
  /** HTTP 200 responses whose body carried GraphQL `errors`. */
  graphqlErrors: number;
  sql: number;
  auditEvents: number | null;
  /** False when the stack was still busy long after the run (its counters may then be short). */
  settled: boolean;
  /** Cores busy while the load ran, by process group (Linux only). */
  cpu: CpuSplit | null;
  /** First failing body, for diagnosis. */
  sample?: string;
}


/** Runs autocannon for `seconds` against `target` and reads the stack's counters around it. */
export async function measure(target: Target, workload: Workload, options: { seconds: number; connections: number; probes?: Probes; cpu?: CpuMeter }): Promise<RunMeasurement> {
  const sql0 = (await options.probes?.sqlTotal()) ?? 0;
  const audit0 = (await options.probes?.auditEvents()) ?? null;
  let sample: string | undefined;
  const cpu0 = options.cpu?.snapshot() ?? null;
  const urls = typeof target.url === 'string' ? [target.url] : target.url;
  const instances = urls.map((url, i) => autocannon({
    url,
    method: 'POST',
    // Spread evenly: the first `connections % urls` URLs take one more.
    connections: Math.floor(options.connections / urls.length) + (i < options.connections % urls.length ? 1 : 0),
    duration: options.seconds,
    timeout: 10,
    headers: { 'content-type': 'application/json', ...target.headers },
    ...(target.signFor
      ? {
        requests: [{
          method: 'POST',
          setupRequest: (request) => {
            const body = workload.nextBody?.() ?? workload.body ?? '';
            return { ...request, body, headers: { ...request.headers, ...target.signFor!(body) } };
          },
        }],
      }
      : workload.nextBody
        ? { requests: [{ method: 'POST', setupRequest: (request) => ({ ...request, body: workload.nextBody!() }) }] }
        : { body: workload.body }),
    verifyBody: (body) => {
      if (!body.includes('"errors"')) return true;
      sample ??= body.slice(0, 600);
      return false;
    },
  }));
  const results = await Promise.all(instances);
  const sum = (pick: (r: (typeof results)[number]) => number) => results.reduce((total, r) => total + pick(r), 0);
  const answered = sum((r) => r.requests.total);
  // Several URLs: autocannon keeps no shared histogram, so p50 is the mean weighted by answers and p99 the worst.
  const result = {
    duration: Math.max(...results.map((r) => r.duration)),
    requests: { total: answered, sent: sum((r) => r.requests.sent) },
    latency: { p50: answered ? sum((r) => r.latency.p50 * r.requests.total) / answered : 0, p99: Math.max(...results.map((r) => r.latency.p99)) },
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    non2xx: sum((r) => r.non2xx),
    mismatches: sum((r) => r.mismatches),
  };
  const cpu = options.cpu?.split(cpu0, options.cpu.snapshot()) ?? null;
  // Requests in flight when the run stopped are still executed (and audited): the counters are read,
  // and the next run starts, only once the stack is idle again.
  const settled = (await options.probes?.settle()) ?? true;
  const sql1 = (await options.probes?.sqlTotal()) ?? 0;
  const audit1 = (await options.probes?.auditEvents()) ?? null;
  return {
    seconds: result.duration,
    answered: result.requests.total,
    sent: result.requests.sent,
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    graphqlErrors: result.mismatches,
    sql: sql1 - sql0,
    auditEvents: audit0 === null || audit1 === null ? null : audit1 - audit0,
    cpu,
    settled,
    ...(sample ? { sample } : {}),
  };
}
