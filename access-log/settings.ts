import path from 'node:path';
import { z } from 'zod';
import { limit, repoRoot } from '../platform/config';

/** How the access log is written: the writer's identity, its witness, and how often heads are signed. */
export const auditSettings = {
  /**
   * This writer's name in the chain registry, the same across its restarts so that each new chain
   * links to where its previous one ended. Unique per writing process: two processes with the same
   * id would seal each other's chains. Default: `<host name>-<services>-<gateway port>`.
   */
  AUDIT_WRITER_ID: z
    .string()
    .regex(/^[\w.-]{1,100}$/, 'up to 100 letters, digits, dots, dashes or underscores')
    .optional(),
  /**
   * Folder of the witness: every signed head mirrored outside the database (one file per writer),
   * for `npm run audit:verify -- --witness <folder>`. Put it on storage the database's owner
   * cannot change (another volume or host); `off` writes none.
   */
  AUDIT_WITNESS_DIR: z.string().min(1).default(path.join(repoRoot, '.frontera', 'audit-witness')),
  /** Sign the chain head at least this often while events arrive, in ms: the longest stretch of events no head covers yet. */
  AUDIT_HEAD_INTERVAL_MS: limit(100, 600_000, 1_000),
  /** ...and at least every this many events. */
  AUDIT_HEAD_EVERY: limit(1, 100_000, 1_000),
};

export type AuditSettings = z.infer<z.ZodObject<typeof auditSettings>>;
