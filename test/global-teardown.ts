import type { DatabaseServer } from '../platform/database';

/** Stops the embedded PostgreSQL that global-setup started (an external server is left alone). */
export default async function globalTeardown(): Promise<void> {
  await (globalThis as { fronteraTestDatabase?: DatabaseServer }).fronteraTestDatabase?.stop();
}
