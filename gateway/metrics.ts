import type { AccessEvent } from '../access-log/event';
import type { AuditWriter } from '../access-log/writer';
import { ErrorCode } from '../platform/errors';
import { ANONYMOUS, BoundedLabel, metrics, UNKNOWN } from '../platform/metrics';
import type { RateLimitRefusal } from './rate-limits';
import type { BreakerState, SubgraphCallObserver } from './subgraph-fetch';

/**
 * The gateway's request metrics, taken from the one place every request ends: its access event.
 * Each gateway request commits exactly one final event (refusals before GraphQL, answers outside
 * the pipeline and requests cut by a shutdown included), with its operation, caller, outcome,
 * error code and denied rules, so counting events counts requests, the same way the audit log
 * does. Only events of resolved operations carry a name; with the name bounded
 * (METRICS_MAX_OPERATION_NAMES), organisations from verified tokens only, and codes and rules
 * from the hub's own lists, the number of series stays bounded whatever clients send.
 */
export function gatewayMetrics(options: { maxOperationNames: number }) {
  const operations = new BoundedLabel(options.maxOperationNames);
  // Organisations come from the trusted issuers' configuration, codes and rules from the hub's
  // code and supergraph: bounded already, and bounded here again in case that ever changes.
  const organisations = new BoundedLabel(1_000);
  const codes = new BoundedLabel(200);
  const rules = new BoundedLabel(500);

  /** The labels of `event`, read when it is recorded (the caller's copy may change afterwards). */
  const labelsOf = (event: AccessEvent) => ({
    operation: event.operationName ? operations.of(event.operationName) : event.operationType ? ANONYMOUS : UNKNOWN,
    organisation: event.principal ? organisations.of(event.principal.organisation) : UNKNOWN,
    rules: event.denied.map((denial) => rules.of(denial.rule)),
  });
  const count = ({ operation, organisation, rules: denied }: ReturnType<typeof labelsOf>, outcome: string, code: string | null, seconds: number) => {
    const labels = { operation, outcome, organisation };
    metrics.requests.inc(labels);
    metrics.requestDuration.observe(labels, seconds);
    if (code) metrics.requestErrors.inc({ operation, organisation, code: codes.of(code) });
    for (const rule of denied) metrics.authorizationDenials.inc({ rule });
  };

  return {
    /** The gateway's operational events as metrics: breakers, retries, rate-limit refusals, reloads. */
    events: {
      onBreakerStateChange: (subgraph: string, state: BreakerState) => metrics.subgraphBreakerOpen.set({ subgraph }, state === 'open' ? 1 : state === 'half-open' ? 0.5 : 0),
      onRetry: (subgraph: string) => metrics.subgraphRetries.inc({ subgraph }),
      onCoalesced: (subgraph: string) => metrics.subgraphCoalesced.inc({ subgraph }),
      onRateLimited: (refusal: RateLimitRefusal) => metrics.rateLimited.inc({ organisation: organisations.of(refusal.organisation), limit: refusal.limit }),
      onReload: (outcome: { result: string }) => metrics.supergraphReloads.inc({ result: outcome.result }),
    },
    /**
     * `writer` as the gateway uses it: each final event of a gateway request is counted once its
     * commit settles, with the time the commit took; a failed commit counts as the error the
     * client receives (AUDIT_UNAVAILABLE).
     */
    auditWriter(writer: AuditWriter): AuditWriter {
      return {
        ...writer,
        record(event) {
          const committing = writer.record(event);
          // A mutation's `attempted` event is followed by its final one; direct calls are the subgraphs'.
          if (event.outcome === 'attempted' || (event.receivedBy !== undefined && event.receivedBy !== 'gateway')) return committing;
          const started = performance.now();
          const { outcome, refusalCode, durationMs } = event;
          const labels = labelsOf(event);
          const seconds = () => durationMs / 1000 + (performance.now() - started) / 1000;
          committing.then(
            () => count(labels, outcome, refusalCode, seconds()),
            () => count(labels, 'error', ErrorCode.AUDIT_UNAVAILABLE, seconds()),
          );
          return committing;
        },
      };
    },
    /** Latency and failures of each subgraph call. */
    subgraphCall: ((subgraph, seconds, failure) => {
      metrics.subgraphFetchDuration.observe({ subgraph }, seconds);
      if (failure) metrics.subgraphFetchErrors.inc({ subgraph, reason: failure });
    }) satisfies SubgraphCallObserver,
  };
}
