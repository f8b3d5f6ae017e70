import path from 'node:path';
import { repoRoot } from '../platform/config';
import type { SubgraphDefinition } from '../subgraphs/shared/subgraph';
import operations from '../subgraphs/operations/subgraph';
import { readRegistry, type PartnerEntry } from '../subgraphs/partners/partner-registry';
import training from '../subgraphs/training/subgraph';
import audit from '../access-log/read-api/subgraph';

const registry = readRegistry();

/** The task force's own subgraphs, in a fixed order (their default ports follow it), with their source folders. */
const coreFolders = new Map<SubgraphDefinition<any>, string>([
  [operations, 'subgraphs/operations'],
  [training, 'subgraphs/training'],
  // The access log's read API lives with the rest of the access log.
  [audit, 'access-log/read-api'],
]);
const core = [...coreFolders.keys()];

/** Partners whose subgraph lives in this repository (subgraphs/partners/<code>/), in registry order. */
const localPartners: PartnerEntry[] = registry.partners.filter((p) => !p.schema);

/** Every subgraph the hub runs itself. */
export const catalog: SubgraphDefinition<any>[] = [
  ...core,
  // Loaded by code from the registry, so onboarding a partner edits no TypeScript outside its folder.
  ...localPartners.map((p) => (require(`../subgraphs/partners/${p.code}/subgraph`) as { default: SubgraphDefinition<any> }).default),
];

/** Partners running elsewhere: composed from the SDL they publish, reached at their URL. */
export const remotePartners: PartnerEntry[] = registry.partners.filter((p) => p.schema);

/** Default port of a subgraph the hub runs: a partner's registry URL port, else base + position. */
export function defaultPort(name: string, base: number): number {
  const partner = localPartners.find((p) => p.code === name);
  if (partner) return Number(new URL(partner.url).port || 80);
  const index = core.findIndex((d) => d.name === name);
  if (index < 0) throw new Error(`unknown subgraph ${name}`);
  return base + index;
}

/** Source folder of a subgraph the hub runs (where its migrations are written). */
export function sourceFolder(name: string): string {
  const definition = core.find((d) => d.name === name);
  return path.join(repoRoot, definition ? coreFolders.get(definition)! : path.join('subgraphs', 'partners', name));
}
