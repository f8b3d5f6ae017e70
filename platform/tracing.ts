import { context, INVALID_SPAN_CONTEXT, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Link, type Span } from '@opentelemetry/api';
import type { IncomingHttpHeaders } from 'node:http';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';

/**
 * Traces (OpenTelemetry). Everything here goes through `@opentelemetry/api`, which does nothing
 * until {@link startTracing} registers the SDK: with tracing off, a span is a shared no-op object
 * and the SDK's modules are never loaded. @apollo/gateway creates its own `gateway.*` spans
 * (validate, plan, execute, fetch) through the same API, so they join the hub's traces.
 */

/** The tracer of every span the hub makes itself. */
export const tracer = trace.getTracer('frontera');

/** What {@link startTracing} needs: where spans go (from the standard OTEL_* variables, validated by the config). */
export interface TracingSettings {
  /** `otlp` (OTLP over HTTP with JSON bodies, to the OTEL_EXPORTER_OTLP_* endpoint) or `console` (stdout, for debugging). */
  exporter: 'otlp' | 'console';
  /** `service.name` of every span, unless OTEL_SERVICE_NAME says otherwise. */
  serviceName: string;
}

let active = false;
let shutdownHook: (() => Promise<void>) | null = null;

/** Whether {@link startTracing} ran: spans are recorded and exported. */
export function tracingActive(): boolean {
  return active;
}

/**
 * Registers the OpenTelemetry SDK for this process: the exporter, W3C trace context, and the
 * PostgreSQL instrumentation. Must run before `pg` is first required (the instrumentation patches
 * the module as it loads), hence `hub/instrumentation.ts`, the first import of `hub/main.ts`.
 *
 * The SDK reads the rest of its standard variables itself: OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT
 * and _HEADERS, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_SAMPLER(_ARG),
 * OTEL_BSP_*. Metrics and logs are never exported through it (metrics are prom-client's, see
 * platform/metrics.ts; logs go to stdout).
 */
export function startTracing(settings: TracingSettings, options: { /** Tests: spans go here, one by one, instead of the configured exporter. */ spanExporter?: import('@opentelemetry/sdk-trace-base').SpanExporter } = {}): void {
  if (active) return;
  // Loaded only here, so a hub without tracing never pays for the SDK's modules.
  const { NodeSDK, core } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { ConsoleSpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  const sdk = new NodeSDK({
    serviceName: settings.serviceName,
    ...(options.spanExporter
      ? { spanProcessors: [new SimpleSpanProcessor(options.spanExporter)] }
      : { traceExporter: settings.exporter === 'console' ? new ConsoleSpanExporter() : new OTLPTraceExporter() }),
    // W3C trace context only: no baggage, which would let a caller attach data to every hop.
    textMapPropagator: new core.W3CTraceContextPropagator(),
    // Explicitly none: the SDK would otherwise start OTLP metric and log exporters by default.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new PgInstrumentation({
        // Only queries that belong to a traced request (or audit write); no trace per pool ping.
        requireParentSpan: true,
        // Statement text with its placeholders, never the values (search terms, audit events).
        enhancedDatabaseReporting: false,
        ignoreConnectSpans: true,
      }),
    ],
  });
  sdk.start();
  active = true;
  shutdownHook = () => sdk.shutdown();
}

/** Exports the spans still buffered and stops the SDK (on shutdown). */
export async function stopTracing(): Promise<void> {
  const hook = shutdownHook;
  shutdownHook = null;
  active = false;
  await hook?.();
}

/** The trace id of the span active here, or `undefined` outside any recorded span. */
export function activeTraceId(ctx: Context = context.active()): string | undefined {
  if (!active) return undefined;
  const spanContext = trace.getSpan(ctx)?.spanContext();
  return spanContext && trace.isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}

/** How an HTTP server treats the `traceparent` its callers send. */
export type IncomingTraceContext = 'honour' | 'ignore';

/**
 * Starts the server span of an incoming request and returns the context to run it in. With
 * `ignore` a new trace starts whatever the caller sent; with `honour` the caller's W3C
 * `traceparent` (and its sampling flag) is continued.
 */
export function startServerSpan(name: string, headers: IncomingHttpHeaders, incoming: IncomingTraceContext, attributes: Attributes): { span: Span; context: Context } {
  const parent = incoming === 'honour' && active ? propagation.extract(ROOT_CONTEXT, headers) : ROOT_CONTEXT;
  const span = tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
  return { span, context: trace.setSpan(parent, span) };
}

/** Adds the active trace context (`traceparent`) to outgoing `headers`. */
export function injectTraceContext(headers: Record<string, string>, ctx: Context = context.active()): void {
  if (active) propagation.inject(ctx, headers);
}

/** Ends `span`, marked as failed with `error` when given. */
export function endSpan(span: Span, error?: unknown): void {
  if (error !== undefined) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  }
  span.end();
}

/** Runs `work` inside a new child span of the active one, ended (and marked failed if it throws) when `work` settles. */
export async function inSpan<T>(
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
  options: { kind?: SpanKind; links?: Link[]; root?: boolean; /** Only within a trace: no trace of its own for work outside any request (health probes). */ requireParent?: boolean } = {},
): Promise<T> {
  if (!active || (options.requireParent && !trace.getSpan(context.active()))) return work(NO_SPAN);
  return tracer.startActiveSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes, links: options.links, root: options.root }, async (span) => {
    try {
      const result = await work(span);
      span.end();
      return result;
    } catch (error) {
      endSpan(span, error);
      throw error;
    }
  });
}

const NO_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/** The span context active here, for a link from work done later on behalf of several requests (group commit). */
export function activeSpanLink(): Link | undefined {
  if (!active) return undefined;
  const spanContext = trace.getSpan(context.active())?.spanContext();
  return spanContext && trace.isSpanContextValid(spanContext) ? { context: spanContext } : undefined;
}

export { SpanKind, context as traceContext, trace };
export type { Link as SpanLink, Span } from '@opentelemetry/api';

/**
 * An Apollo Server plugin that names the request's server span after its operation
 * (`gateway query Operations`) and sets the GraphQL attributes, once the operation is resolved.
 * Never the document or the variables: they may hold what the access log only keeps hashed.
 */
export function operationSpanPlugin<Context extends BaseContext>(prefix: string): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      if (!active) return;
      const span = trace.getSpan(context.active());
      if (!span) return;
      return {
        async didResolveOperation({ operationName, operation }) {
          if (!operation) return;
          span.updateName(`${prefix} ${operation.operation}${operationName ? ` ${operationName}` : ''}`);
          span.setAttribute('graphql.operation.type', operation.operation);
          if (operationName) span.setAttribute('graphql.operation.name', operationName);
        },
      };
    },
  };
}

/** Starts a child span of the active one, for synchronous work; the caller ends it (a no-op span when tracing is off). */
export function startChildSpan(name: string, attributes: Attributes = {}): Span {
  return active ? tracer.startSpan(name, { attributes }) : NO_SPAN;
}
