import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { repoRoot } from '../../platform/config';

/** Codes that name something else in the hub and can never be a partner. */
export const RESERVED_CODES = new Set(['operations', 'training', 'audit', 'gateway', 'hub', 'shared', 'partners', 'template', 'query', 'mutation']);

/** A partner code is also a GraphQL field name (`Operation.<code>`) and a schema suffix. */
export const PARTNER_CODE = /^[a-z][a-z0-9]{1,19}$/;

export const REGISTRY_PATH = path.join(repoRoot, 'subgraphs', 'partners', 'registry.json');

const entry = z.object({
  code: z.string().regex(PARTNER_CODE, 'must be 2 to 20 lower-case letters or digits, starting with a letter').refine((c) => !RESERVED_CODES.has(c), 'is reserved'),
  name: z.string().min(2).max(100),
  url: z.url(),
  /** SDL published by a partner that runs its subgraph elsewhere (path relative to the repository). */
  schema: z.string().min(1).optional(),
});

export type PartnerEntry = z.infer<typeof entry>;

const registrySchema = z.object({ $comment: z.string().optional(), partners: z.array(entry) });

/** Partner folder for a code (where a partner the hub runs itself lives). */
export function partnerFolder(code: string): string {
  return path.join(repoRoot, 'subgraphs', 'partners', code);
}

/**
 * Reads and checks the registry: unique codes, and for each partner either its folder here or the
 * SDL file it publishes. Throws one error listing every problem.
 */
export function readRegistry(file = REGISTRY_PATH): { $comment?: string; partners: PartnerEntry[] } {
  const parsed = registrySchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(`partner registry ${file} is invalid:\n${parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const partner of parsed.data.partners) {
    if (seen.has(partner.code)) problems.push(`${partner.code}: listed twice`);
    seen.add(partner.code);
    if (partner.schema && !existsSync(path.join(repoRoot, partner.schema))) problems.push(`${partner.code}: schema file ${partner.schema} does not exist`);
    // Where hub/catalog.ts will load it from: beside this module, as source or compiled (the
    // container image holds only the compiled code, under dist/).
    if (!partner.schema && !existsSync(path.join(__dirname, partner.code, 'subgraph.ts')) && !existsSync(path.join(__dirname, partner.code, 'subgraph.js'))) {
      problems.push(`${partner.code}: no folder subgraphs/partners/${partner.code}/ and no published schema file`);
    }
  }
  if (problems.length) throw new Error(`partner registry ${file} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return parsed.data;
}
