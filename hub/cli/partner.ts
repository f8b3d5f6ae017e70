import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EXIT, runCli, usageMessage } from '../../platform/cli';
import { repoRoot } from '../../platform/config';
import { PARTNER_CODE, REGISTRY_PATH, RESERVED_CODES, partnerFolder, readRegistry, type PartnerEntry } from '../../subgraphs/partners/partner-registry';

const TEMPLATE = partnerFolder('template');
const DISPLAY_NAME = /^[\p{L}\p{N}][\p{L}\p{N} .,()&/-]{1,99}$/u;
const FIRST_PARTNER_PORT = 4011;
const USAGE = 'usage: npm run partner:new -- <code> "<Display name>"';

/** What `partner:new` was asked for, or every reason it cannot be done. */
export function checkRequest(code: string | undefined, name: string | undefined, partners: PartnerEntry[]): string[] {
  const problems: string[] = [];
  if (!code || !PARTNER_CODE.test(code)) problems.push(`code "${code ?? ''}" is not valid: use 2 to 20 lower-case letters or digits, starting with a letter (e.g. eulex)`);
  else if (RESERVED_CODES.has(code)) problems.push(`code "${code}" is reserved (${[...RESERVED_CODES].join(', ')})`);
  else if (partners.some((p) => p.code === code) || existsSync(partnerFolder(code))) problems.push(`partner "${code}" already exists`);
  if (!name || !DISPLAY_NAME.test(name)) problems.push(`display name "${name ?? ''}" is not valid: 2 to 100 letters, digits, spaces or . , ( ) & / -`);
  return problems;
}

/** Rewrites the template's names: `Template Partner` → display name, `Template` → PascalCode, `template` → code. */
export function instantiate(text: string, code: string, name: string): string {
  const pascal = code[0].toUpperCase() + code.slice(1);
  return text.replaceAll('Template Partner', name).replaceAll('Template', pascal).replaceAll('template', code);
}

function instantiateFolder(folder: string, code: string, name: string): void {
  for (const entry of readdirSync(folder)) {
    const current = path.join(folder, entry);
    const renamed = path.join(folder, instantiate(entry, code, name));
    if (statSync(current).isDirectory()) {
      instantiateFolder(current, code, name);
    } else {
      writeFileSync(current, instantiate(readFileSync(current, 'utf8'), code, name));
    }
    if (renamed !== current) renameSync(current, renamed);
  }
}

/** The next free port after the local partners' registry URLs. */
function nextPort(partners: PartnerEntry[]): number {
  const ports = partners.filter((p) => !p.schema).map((p) => Number(new URL(p.url).port));
  return ports.length ? Math.max(...ports) + 1 : FIRST_PARTNER_PORT;
}

function run(command: string, args: string[]): void {
  execFileSync(command, args, { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
}

/**
 * `npm run partner:new -- <code> "<Display name>"`: copies the partner template into
 * subgraphs/partners/<code>/, registers it and recomposes the supergraph. Any failure undoes
 * every step, so a refused or failed onboarding leaves the repository as it was.
 */
export function main(argv = process.argv.slice(2)): number {
  const [code, name, ...extra] = argv;
  const registryText = readFileSync(REGISTRY_PATH, 'utf8');
  const registry = readRegistry();
  const problems = checkRequest(code, name, registry.partners);
  if (extra.length) problems.push(`unexpected arguments: ${extra.join(' ')} (quote a display name with spaces)`);
  if (problems.length) {
    process.stderr.write(`partner:new: nothing was changed:\n${usageMessage(problems, USAGE)}`);
    return EXIT.didNotRun;
  }
  const folder = partnerFolder(code);
  const staging = path.join(path.dirname(folder), `.${code}.partial`);
  const schemaDir = path.join(repoRoot, 'schema');
  const schemaBackup = path.join(repoRoot, 'dist', `.schema-before-${code}`);
  try {
    rmSync(staging, { recursive: true, force: true });
    cpSync(TEMPLATE, staging, { recursive: true });
    instantiateFolder(staging, code, name);
    renameSync(staging, folder);
    const url = `http://localhost:${nextPort(registry.partners)}/graphql`;
    registry.partners.push({ code, name, url });
    writeFileSync(REGISTRY_PATH, `${JSON.stringify(registry, null, 2)}\n`);
    cpSync(schemaDir, schemaBackup, { recursive: true });
    run('npx', ['tsc', '-p', 'tsconfig.build.json']);
    run(process.execPath, [path.join(repoRoot, 'dist', 'schema', 'compose.js')]);
    rmSync(schemaBackup, { recursive: true, force: true });
    process.stdout.write(
      `partner:new: ${name} (${code}) is a subgraph at subgraphs/partners/${code}/, served at ${url}, composed as Operation.${code} and Checkpoint.${code}.\n` +
        `Next: edit its entity, resolver, migration and seed for the data ${name} shares, run npm test, and commit.\n`,
    );
    return EXIT.ok;
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    rmSync(folder, { recursive: true, force: true });
    rmSync(path.join(repoRoot, 'dist', 'subgraphs', 'partners', code), { recursive: true, force: true });
    writeFileSync(REGISTRY_PATH, registryText);
    if (existsSync(schemaBackup)) {
      rmSync(schemaDir, { recursive: true, force: true });
      renameSync(schemaBackup, schemaDir);
    }
    process.stderr.write(`partner:new: onboarding ${code} failed and was undone: ${(error as Error).message}\n`);
    return EXIT.failed;
  }
}

runCli(module, 'partner:new', USAGE, main);
