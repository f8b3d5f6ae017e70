import 'reflect-metadata';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { CriticalityLevel, diff } from '@graphql-inspector/core';
import { buildSchema, parse, printSchema } from 'graphql';
import { repoRoot } from '../platform/config';
import { catalog, remotePartners } from '../hub/catalog';
import { subgraphSdl } from '../subgraphs/shared/subgraph';

const dir = path.join(repoRoot, 'schema');
const paths = {
  subgraphs: path.join(dir, 'subgraphs'),
  supergraph: path.join(dir, 'supergraph.graphql'),
  /** The public API schema that clients rely on; a change that breaks it must be acknowledged. */
  contract: path.join(dir, 'api-contract.graphql'),
  acknowledged: path.join(dir, 'acknowledged-breaking-changes.json'),
};

/** A breaking change that was made on purpose, with the reason clients were told. */
interface Acknowledgement {
  path: string;
  message: string;
  reason: string;
}

export interface Composition {
  /** File path (relative to schema/) → expected content. */
  files: Map<string, string>;
  breaking: { path: string; message: string }[];
}

/** Emits every subgraph's SDL and composes the supergraph offline; throws listing composition errors. */
export async function compose(): Promise<Composition> {
  // URLs in the supergraph are placeholders: the gateway routes by subgraph name (see hub/runtime.ts).
  const services = [
    ...(await Promise.all(catalog.map(async (definition) => ({ name: definition.name, url: `http://${definition.name}.invalid/graphql`, sdl: await subgraphSdl(definition) })))),
    ...remotePartners.map((partner) => ({ name: partner.code, url: partner.url, sdl: readFileSync(path.join(repoRoot, partner.schema!), 'utf8').trim() })),
  ];
  const result = composeServices(services.map(({ name, url, sdl }) => ({ name, url, typeDefs: parse(sdl) })));
  if (result.errors) {
    throw new Error(`composition failed:\n${result.errors.map((e) => `  - ${e.message}`).join('\n')}`);
  }
  const api = printSchema(result.schema.toAPISchema().toGraphQLJSSchema());
  const files = new Map<string, string>();
  for (const { name, sdl } of services) files.set(`subgraphs/${name}.graphql`, `${sdl}\n`);
  files.set('supergraph.graphql', result.supergraphSdl);
  files.set('api-contract.graphql', `${api}\n`);

  const breaking: Composition['breaking'] = [];
  if (existsSync(paths.contract)) {
    const changes = await diff(buildSchema(readFileSync(paths.contract, 'utf8')), buildSchema(api));
    const acknowledged: Acknowledgement[] = existsSync(paths.acknowledged) ? JSON.parse(readFileSync(paths.acknowledged, 'utf8')) : [];
    for (const change of changes) {
      if (change.criticality.level !== CriticalityLevel.Breaking) continue;
      const changePath = change.path ?? '';
      if (!acknowledged.some((a) => a.path === changePath && a.message === change.message)) breaking.push({ path: changePath, message: change.message });
    }
  }
  return { files, breaking };
}

function describeBreaking(breaking: Composition['breaking']): string {
  return [
    'these changes break existing clients:',
    ...breaking.map((b) => `  - ${b.message} (${b.path})`),
    `If they are intended, add each to schema/acknowledged-breaking-changes.json as {"path", "message", "reason"} and compose again.`,
  ].join('\n');
}

/** Files under schema/ that compose would write; anything else in schema/subgraphs is stale. */
function staleFiles(files: Map<string, string>): string[] {
  const stale: string[] = [];
  for (const [file, content] of files) {
    const target = path.join(dir, file);
    if (!existsSync(target) || readFileSync(target, 'utf8') !== content) stale.push(file);
  }
  if (existsSync(paths.subgraphs)) {
    for (const file of readdirSync(paths.subgraphs)) if (!files.has(`subgraphs/${file}`)) stale.push(`subgraphs/${file} (no such subgraph)`);
  }
  return stale;
}

/** Writes a composition's files under schema/ (the subgraph SDL folder is rewritten whole). */
export function writeComposition(composition: Composition): void {
  rmSync(paths.subgraphs, { recursive: true, force: true });
  mkdirSync(paths.subgraphs, { recursive: true });
  for (const [file, content] of composition.files) writeFileSync(path.join(dir, file), content);
}

/** Refusal to write a composition that breaks clients without acknowledgement. */
export function breakingChangesError(composition: Composition): Error | null {
  return composition.breaking.length ? new Error(describeBreaking(composition.breaking)) : null;
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  let composition: Composition;
  try {
    composition = await compose();
    const breaking = breakingChangesError(composition);
    if (breaking) throw breaking;
  } catch (error) {
    process.stderr.write(`schema: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const subgraphCount = composition.files.size - 2;
  if (check) {
    const stale = staleFiles(composition.files);
    if (stale.length) {
      process.stderr.write(`schema: committed files are stale, run \`npm run schema:compose\` and commit:\n${stale.map((f) => `  - schema/${f}`).join('\n')}\n`);
      process.exit(1);
    }
    process.stdout.write(`schema: ${subgraphCount} subgraphs compose; committed files are current; no unacknowledged breaking change\n`);
    return;
  }
  writeComposition(composition);
  process.stdout.write(`schema: composed ${subgraphCount} subgraphs into schema/supergraph.graphql\n`);
}

if (require.main === module) void main();
