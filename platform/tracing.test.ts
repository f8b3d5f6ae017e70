import { Writable } from 'node:stream';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { createLogger } from './logger';
import { activeTraceId, injectTraceContext, inSpan, startServerSpan, startTracing, stopTracing, traceContext, tracingActive } from './tracing';

const exporter = new InMemorySpanExporter();
const CLIENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const traceparent = `00-${CLIENT_TRACE}-00f067aa0ba902b7-01`;

test('before tracing starts, everything is a no-op: no trace id, no header, work still runs', async () => {
  expect(tracingActive()).toBe(false);
  const headers: Record<string, string> = {};
  const { context } = startServerSpan('gateway', { traceparent }, 'honour', {});
  await traceContext.with(context, async () => {
    expect(activeTraceId()).toBeUndefined();
    injectTraceContext(headers);
    expect(await inSpan('work', {}, async () => 42)).toBe(42);
  });
  expect(headers).toEqual({});
});

describe('with tracing on', () => {
  beforeAll(() => startTracing({ exporter: 'console', serviceName: 'test' }, { spanExporter: exporter }));
  afterAll(() => stopTracing());

  test('a server span that ignores the caller\'s traceparent starts a new trace', () => {
    const { span } = startServerSpan('gateway', { traceparent }, 'ignore', {});
    span.end();
    expect(span.spanContext().traceId).not.toBe(CLIENT_TRACE);
    expect(exporter.getFinishedSpans().at(-1)?.parentSpanContext).toBeUndefined();
  });

  test('a server span that honours it continues the caller\'s trace, and passes it on', async () => {
    const { span, context } = startServerSpan('subgraph operations', { traceparent }, 'honour', {});
    const headers: Record<string, string> = {};
    await traceContext.with(context, async () => {
      expect(activeTraceId()).toBe(CLIENT_TRACE);
      await inSpan('subgraph training', {}, async () => injectTraceContext(headers));
    });
    span.end();
    expect(span.spanContext().traceId).toBe(CLIENT_TRACE);
    expect(headers.traceparent).toMatch(new RegExp(`^00-${CLIENT_TRACE}-[0-9a-f]{16}-01$`));
    const call = exporter.getFinishedSpans().find((s) => s.name === 'subgraph training')!;
    expect(call.parentSpanContext?.spanId).toBe(span.spanContext().spanId);
  });

  test('every log line written inside a span carries its trace id; lines outside carry none', async () => {
    const lines: string[] = [];
    const log = createLogger('info', 'test', new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) }));
    const { span, context } = startServerSpan('gateway', {}, 'ignore', {});
    traceContext.with(context, () => log.info('inside'));
    log.info('outside');
    span.end();
    expect(JSON.parse(lines[0])).toMatchObject({ msg: 'inside', traceId: span.spanContext().traceId });
    expect(JSON.parse(lines[1]).traceId).toBeUndefined();
  });

  test('a failing span is marked as failed and the error still reaches the caller', async () => {
    await expect(inSpan('fails', {}, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(exporter.getFinishedSpans().at(-1)).toMatchObject({ name: 'fails', status: { code: 2, message: 'boom' } });
  });
});
