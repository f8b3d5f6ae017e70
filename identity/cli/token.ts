import { parseArgs } from 'node:util';
import { EXIT, runCli, usageMessage } from '../../platform/cli';
import { ConfigError, loadConfig } from '../../hub/config';
import { DEMO_ORGANISATIONS, loadOrCreateLocalIssuer, mintToken, type MintRequest } from '../local-issuer';
import { Classification, isClassification, isCountryCode, isRole, isScope, nationalCountryOf, Role } from '../principal';

/** Longest lifetime a minted token may have: demo tokens should not outlive a week of trying things out. */
export const MAX_TTL_SECONDS = 7 * 24 * 3600;

const DEFAULT_TTL = '1h';
const TTL = /^([1-9][0-9]{0,6})([smhd])$/;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Usage text, printed with `--help` and after argument errors. */
export const USAGE = `Usage: npm run token -- --org <code> --role <ROLE> [--role <ROLE2>] [--clearance <LEVEL>]
                      [--scopes "a b"] [--ttl 1h] [--subject <name>] [--country <ISO3>]

Prints a token from the embedded local issuer, and nothing else, on stdout.
  --org        ${DEMO_ORGANISATIONS.map((o) => o.code).join(', ')}
  --role       ${Object.values(Role).join(', ')} (repeatable)
  --clearance  ${Object.values(Classification).join(', ')}
  --scopes     space-separated OAuth scopes
  --ttl        lifetime: a number and s, m, h or d (e.g. 30s, 15m, 1h, 2d), at most 7d; default ${DEFAULT_TTL}
  --subject    default demo.<org>.<first role in lower case>
  --country    ISO 3166-1 alpha-3; default the bureau's own for ncb-<iso3>, none for others`;

/** What the command line asks for. */
export type TokenArgs =
  | { readonly kind: 'mint'; readonly request: MintRequest }
  | { readonly kind: 'help' }
  | { readonly kind: 'invalid'; readonly errors: readonly string[] };

/** Converts `30s`, `15m`, `1h` or `2d` to seconds; `null` when not of that form or longer than 7 days. */
export function parseTtl(text: string): number | null {
  const match = TTL.exec(text);
  if (!match) return null;
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2]];
  return seconds <= MAX_TTL_SECONDS ? seconds : null;
}

/** Parses and checks the CLI arguments, naming every bad one together with what is accepted. */
export function parseTokenArgs(argv: readonly string[]): TokenArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        org: { type: 'string' },
        role: { type: 'string', multiple: true },
        clearance: { type: 'string' },
        scopes: { type: 'string' },
        ttl: { type: 'string' },
        subject: { type: 'string' },
        country: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    // parseArgs names the offending option; it never echoes anything else.
    return { kind: 'invalid', errors: [(error as Error).message] };
  }
  if (values.help) return { kind: 'help' };

  const errors: string[] = [];
  const organisation = values.org;
  if (organisation === undefined) errors.push('--org is required');
  else if (!DEMO_ORGANISATIONS.some((o) => o.code === organisation)) errors.push(`--org "${organisation}" is not a demo organisation`);

  const roles = values.role ?? [];
  if (roles.length === 0) errors.push('--role is required (at least one)');
  for (const role of roles.filter((r) => !isRole(r))) errors.push(`--role "${role}" is not a role`);

  const clearance = values.clearance;
  if (clearance !== undefined && !isClassification(clearance)) {
    errors.push(`--clearance "${clearance}" is not a clearance level`);
  }

  const scopes = (values.scopes ?? '').split(/\s+/).filter(Boolean);
  for (const scope of scopes.filter((s) => !isScope(s))) errors.push(`--scopes: "${scope}" is not a valid OAuth scope`);

  const ttlSeconds = parseTtl(values.ttl ?? DEFAULT_TTL);
  if (ttlSeconds === null) errors.push(`--ttl "${values.ttl}" is not a lifetime such as 30s, 15m, 1h or 2d up to 7d`);

  const national = organisation === undefined ? null : nationalCountryOf(organisation);
  let country: string | null = national;
  if (values.country !== undefined) {
    if (!isCountryCode(values.country)) errors.push(`--country "${values.country}" is not an ISO 3166-1 alpha-3 code`);
    else country = values.country.toUpperCase();
    // The verifier refuses a bureau's token for another country; better to say so now than mint a useless token.
    if (national && country !== national) errors.push(`--country must be ${national} (or left out) for ${organisation}`);
  }

  const subject = values.subject ?? `demo.${organisation}.${(roles[0] ?? '').toLowerCase()}`;
  if (subject.trim() === '') errors.push('--subject must not be empty');

  if (errors.length > 0 || organisation === undefined || ttlSeconds === null) return { kind: 'invalid', errors };
  return {
    kind: 'mint',
    request: {
      subject,
      organisation,
      country,
      roles: roles.filter(isRole),
      scopes,
      clearance: (clearance as Classification | undefined) ?? null,
      ttlSeconds,
    },
  };
}

/** Where the CLI writes: the process's streams, or a buffer in tests. */
export interface CliOutput {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/**
 * Runs the CLI: the token on stdout, errors and usage on stderr. Returns the exit code (`EXIT` in
 * platform/cli.ts): 0, or 2 when it could not run (bad arguments, an invalid environment).
 */
export async function main(
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
  output: CliOutput = process,
): Promise<number> {
  const args = parseTokenArgs(argv);
  if (args.kind === 'help') {
    output.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args.kind === 'invalid') {
    output.stderr.write(usageMessage(args.errors, USAGE));
    return EXIT.didNotRun;
  }
  let secretsDir: string;
  try {
    secretsDir = loadConfig(env).SECRETS_DIR;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    output.stderr.write(`${error.message}\n`);
    return EXIT.didNotRun;
  }
  const localIssuer = await loadOrCreateLocalIssuer(secretsDir);
  output.stdout.write(`${await mintToken(localIssuer, args.request)}\n`);
  return 0;
}

runCli(module, 'token', USAGE, (argv) => main(argv));
