import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs on stdout. Tokens, passwords and search terms never reach a log line:
 * the paths below are redacted wherever a caller passes them in by mistake.
 */
export function createLogger(level: string, name = 'frontera', destination: pino.DestinationStream = pino.destination(1)): Logger {
  return pino({
    name,
    level,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['authorization', '*.authorization', 'headers.authorization', 'password', '*.password', 'token', '*.token', 'variables', '*.variables'],
      censor: '[redacted]',
    },
  }, destination);
}
