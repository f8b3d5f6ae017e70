import { z } from 'zod';
import { flag, limit, port } from './config';
import type { TracingSettings } from './tracing';

const url = (what: string) =>
  z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.string().refine((v) => /^https?:\/\/[^/\s]+/.test(v), `must be an http:// or https:// URL (${what})`).optional(),
  );

/**
 * Traces and metrics. The OTEL_* variables are OpenTelemetry's standard ones: the SDK reads them
 * itself (with OTEL_SERVICE_NAME, OTEL_EXPORTER_OTLP_HEADERS, OTEL_TRACES_SAMPLER and the rest);
 * they are declared here so that the ones deciding whether anything leaves the machine are
 * checked at start-up like every other setting.
 */
export const telemetrySettings = {
  /** Where spans go: `otlp`, `console` (stdout) or `none`. Unset: `otlp` when an OTLP endpoint is set, else none. */
  OTEL_TRACES_EXPORTER: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['otlp', 'console', 'none']).optional()),
  /** OTLP/HTTP base URL (`/v1/traces` is appended), e.g. `http://otel-collector:4318`. Setting it turns tracing on. */
  OTEL_EXPORTER_OTLP_ENDPOINT: url('the collector\'s OTLP/HTTP base, e.g. http://localhost:4318'),
  /** OTLP/HTTP URL of traces exactly as given (no path appended); wins over OTEL_EXPORTER_OTLP_ENDPOINT. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: url('the full traces URL, e.g. http://localhost:4318/v1/traces'),
  /** The hub exports OTLP over HTTP with JSON bodies: `http/json` is the one value accepted. */
  OTEL_EXPORTER_OTLP_PROTOCOL: z.preprocess((v) => (v === '' ? undefined : v), z.literal('http/json', { error: 'only http/json is supported (OTLP over HTTP with JSON bodies; most collectors accept it on port 4318)' }).optional()),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: z.preprocess((v) => (v === '' ? undefined : v), z.literal('http/json', { error: 'only http/json is supported (OTLP over HTTP with JSON bodies; most collectors accept it on port 4318)' }).optional()),
  /** `true` turns tracing off whatever else is set. */
  OTEL_SDK_DISABLED: flag(false),
  /**
   * Whether the gateway continues a trace its client started (W3C `traceparent`). Off: every
   * request starts a new trace, so a caller cannot choose trace ids (to collide with or find
   * other traces) nor force sampling on (a flood of recorded traces). Turn on only behind a
   * trusted edge that sets the header itself. Subgraphs always continue the gateway's trace.
   */
  TRACES_HONOUR_TRACEPARENT: flag(false),
  /** Port of the Prometheus endpoint (`GET /metrics`), a server of its own; unset: no metrics. */
  METRICS_PORT: z.preprocess((v) => (v === '' ? undefined : v), port.optional()),
  /** Interface the metrics server binds to; unset: HOST. */
  METRICS_HOST: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(1).optional()),
  /**
   * Most distinct operation names the metrics label (first come, first labelled); later ones are
   * counted as `other`, so clients cannot grow the series without bound.
   */
  METRICS_MAX_OPERATION_NAMES: limit(1, 10_000, 100),
};

export type TelemetrySettings = z.infer<z.ZodObject<typeof telemetrySettings>>;

/** Where spans go by these settings, or `null` when tracing is off (nothing configured, `none`, or the SDK disabled). */
export function tracingFromSettings(config: TelemetrySettings): TracingSettings | null {
  if (config.OTEL_SDK_DISABLED || config.OTEL_TRACES_EXPORTER === 'none') return null;
  const exporter = config.OTEL_TRACES_EXPORTER ?? (config.OTEL_EXPORTER_OTLP_ENDPOINT || config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? 'otlp' : null);
  return exporter ? { exporter, serviceName: 'frontera' } : null;
}
