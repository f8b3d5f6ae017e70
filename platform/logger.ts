import pino, { type Logger } from 'pino';
import { activeTraceId, tracingActive } from './tracing';

export type { Logger };

/**
 * Structured JSON logs on stdout. Tokens, passwords and search terms never reach a log line:
 * the paths below are redacted wherever a caller passes them in by mistake. With tracing on,
 * every line written inside a traced request carries its `traceId`, so a log line leads to its
 * trace and a trace to its log lines.
 */
export function createLogger(level: string, name = 'frontera', destination: pino.DestinationStream = pino.destination(1)): Logger {
  return pino({
    name,
    level,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    // Decided once: a hub without tracing does not look for a span on every line.
    ...(tracingActive()
      ? {
        mixin() {
          const traceId = activeTraceId();
          return traceId ? { traceId } : {};
        },
      }
      : {}),
    redact: {
      paths: ['authorization', '*.authorization', 'headers.authorization', 'password', '*.password', 'token', '*.token', 'variables', '*.variables'],
      censor: '[redacted]',
    },
  }, destination);
}
