import { ConfigError, loadConfig } from './config';
import { startTracing } from '../platform/tracing';
import { tracingFromSettings } from '../platform/telemetry-settings';

/**
 * The first import of `hub/main.ts`: starts tracing, when the OTEL_* variables ask for it, before
 * any instrumented module (`pg`) is loaded; the instrumentation patches a module as it is first
 * required, so it must be registered before. With tracing off this loads nothing of the SDK.
 * An invalid configuration is left for `main` to report with all the others.
 */
try {
  const tracing = tracingFromSettings(loadConfig());
  if (tracing) startTracing(tracing);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
}
