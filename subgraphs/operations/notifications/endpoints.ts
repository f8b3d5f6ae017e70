import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ORGANISATION_CODE } from '../../../identity/principal';

/** What an organisation can be notified of. One event today: a screening matched one of its records. */
export const NOTIFICATION_EVENTS = ['hit.created'] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

// Organisation codes as tokens and handling carry them (`ncb-fra`, `wco`).

const entry = z.object({
  organisation: z.string().regex(ORGANISATION_CODE, 'must be an organisation code: 2 to 40 lower-case letters, digits or dashes, starting with a letter'),
  url: z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }),
  events: z.array(z.enum(NOTIFICATION_EVENTS)).min(1, 'must list at least one event ("hit.created")'),
  /** `false` keeps the entry but sends nothing: notifications for it wait as `NO_ENDPOINT`. */
  enabled: z.boolean().default(true),
});

/** One organisation's registered endpoint. */
export type NotificationEndpoint = z.infer<typeof entry>;

const registrySchema = z.object({ $comment: z.string().optional(), endpoints: z.array(entry) });

/** The registry, as loaded: which URL each organisation is notified at, for which events. */
export interface EndpointRegistry {
  /** The enabled endpoint of `organisation` for `event`, or `undefined` (nothing is sent). */
  endpointFor(organisation: string, event: NotificationEvent): NotificationEndpoint | undefined;
  /** Every entry, enabled or not (for logs and operators). */
  readonly entries: readonly NotificationEndpoint[];
}

/** A registry over `entries`, checked as a file would be (tests). */
export function endpointRegistry(entries: readonly NotificationEndpoint[]): EndpointRegistry {
  const byOrganisation = new Map(entries.map((e) => [e.organisation, e]));
  return {
    entries,
    endpointFor(organisation, event) {
      const found = byOrganisation.get(organisation);
      return found?.enabled && found.events.includes(event) ? found : undefined;
    },
  };
}

/**
 * Reads and checks the registry file: every entry valid, one per organisation, and in production
 * https only (a notification names a hit: it never travels in clear outside development). Throws
 * one error listing every problem, so start-up fails loudly rather than dropping notifications.
 */
export function readEndpointRegistry(file: string, options: { production: boolean }): EndpointRegistry {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`notification endpoint registry ${file} cannot be read: ${(error as Error).message}`);
  }
  const parsed = registrySchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`notification endpoint registry ${file} is invalid:\n${parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const endpoint of parsed.data.endpoints) {
    if (seen.has(endpoint.organisation)) problems.push(`${endpoint.organisation}: listed twice`);
    seen.add(endpoint.organisation);
    if (options.production && !endpoint.url.startsWith('https://')) problems.push(`${endpoint.organisation}: ${endpoint.url} is not https (required with NODE_ENV=production)`);
  }
  if (problems.length) throw new Error(`notification endpoint registry ${file} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return endpointRegistry(parsed.data.endpoints);
}
