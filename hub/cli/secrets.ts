import { readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runCli, UsageError } from '../../platform/cli';
import { loadConfig } from '../config';
import { ensureKeyFiles } from '../key-files';

export const USAGE = `Usage: npm run secrets:init -- [--local-issuer]

Creates, in SECRETS_DIR, every key file the hub would otherwise generate at its first start
(database roles' key, screening key, audit keys, the gateway's signing key, the notification
key), without a database, and keeps any file already there. For a deployment whose secrets
folder is read-only (a Kubernetes Secret, compose secrets): every process must read the same
files, so they are made once, here, and handed to the platform (see README, "Kubernetes").
  --local-issuer  also the demo issuer's key (only for LOCAL_ISSUER=true: whoever holds it can
                  mint any token)
Prints the folder and the files it holds.`;

/** Creates the key files missing from `dir` (each loader keeps an existing file); returns the folder's files. */
export async function initSecrets(dir: string, options: { localIssuer: boolean }): Promise<string[]> {
  await ensureKeyFiles(dir, options);
  return readdirSync(dir).sort();
}

async function main(argv: string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, strict: true, allowPositionals: false, options: { 'local-issuer': { type: 'boolean' } } }));
  } catch (error) {
    throw new UsageError([(error as Error).message]);
  }
  const dir = loadConfig().SECRETS_DIR;
  const files = await initSecrets(dir, { localIssuer: values['local-issuer'] === true });
  process.stdout.write(`${dir}:\n${files.map((f) => `  ${f}\n`).join('')}`);
}

runCli(module, 'secrets:init', USAGE, (argv) => main(argv));
