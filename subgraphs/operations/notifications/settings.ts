import path from 'node:path';
import { z } from 'zod';
import { limit, repoRoot } from '../../../platform/config';

/** Where hit notifications go and how hard the hub tries (README, "Hit notifications"). */
export const notificationSettings = {
  /**
   * The registry of organisations' notification endpoints (JSON, see `endpoints.ts`). The only
   * place outbound notification connections come from: an organisation not listed gets none.
   */
  NOTIFICATION_ENDPOINTS_FILE: z.string().min(1).default(path.join(repoRoot, 'subgraphs', 'partners', 'notification-endpoints.json')),
  /** Tries per notification before it is dead-lettered (`DEAD`), the first included. */
  NOTIFICATION_MAX_ATTEMPTS: limit(1, 100, 8),
  /** Wait before the second try, in ms; each later wait doubles, with jitter, up to NOTIFICATION_BACKOFF_MAX_MS. */
  NOTIFICATION_BACKOFF_BASE_MS: limit(1, 3_600_000, 2_000),
  /** Longest wait between two tries, in ms. */
  NOTIFICATION_BACKOFF_MAX_MS: limit(1, 86_400_000, 300_000),
  /** How long one delivery may take (connect, send, answer), in ms; then it counts as failed (`TIMEOUT`). */
  NOTIFICATION_TIMEOUT_MS: limit(100, 120_000, 5_000),
  /** How often the outbox is looked at without a wake-up (a new hit wakes the deliverers at once), in ms. */
  NOTIFICATION_POLL_MS: limit(10, 600_000, 1_000),
  /** Deliveries one process makes at the same time (each holds one database connection while it runs). */
  NOTIFICATION_CONCURRENCY: limit(1, 64, 4),
};

export type NotificationSettings = z.infer<z.ZodObject<typeof notificationSettings>>;
