import { z } from 'zod';
import { telemetrySettings, tracingFromSettings } from './telemetry-settings';

const schema = z.object(telemetrySettings);
const tracing = (env: Record<string, string>) => tracingFromSettings(schema.parse(env));

test('nothing configured: no tracing, no metrics (nothing leaves the machine, no port opens)', () => {
  expect(tracing({})).toBeNull();
  expect(schema.parse({}).METRICS_PORT).toBeUndefined();
  expect(schema.parse({ METRICS_PORT: '' }).METRICS_PORT).toBeUndefined();
  expect(schema.parse({}).TRACES_HONOUR_TRACEPARENT).toBe(false);
});

test.each([
  ['an OTLP endpoint', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, 'otlp'],
  ['a traces endpoint', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://collector/v1/traces' }, 'otlp'],
  ['the console exporter', { OTEL_TRACES_EXPORTER: 'console' }, 'console'],
  ['otlp without an endpoint (the SDK default, localhost:4318)', { OTEL_TRACES_EXPORTER: 'otlp' }, 'otlp'],
  ['an endpoint but the exporter none', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' }, null],
  ['an endpoint but the SDK disabled', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }, null],
])('%s', (_name, env, exporter) => {
  expect(tracing(env)?.exporter ?? null).toBe(exporter);
});

test.each([
  ['a protocol the hub does not speak', { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, /only http\/json/],
  ['an endpoint that is no URL', { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, /http:\/\/ or https:\/\//],
  ['an unknown exporter', { OTEL_TRACES_EXPORTER: 'zipkin' }, /OTEL_TRACES_EXPORTER/],
  ['a metrics port out of range', { METRICS_PORT: '70000' }, /METRICS_PORT/],
])('refuses %s', (_name, env, message) => {
  const result = schema.safeParse(env);
  expect(result.success).toBe(false);
  expect(result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n')).toMatch(message);
});
