import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { HUB_AUDIENCE, loadOrCreateLocalIssuer, mintToken, Role } from '../identity';
import { temporaryDir } from '../identity/identity.fixture';
import { LOCAL_ISSUER_PRODUCTION_ACK } from '../identity/settings';
import { loadSecurity } from '../identity/trust';
import { createLogger } from '../platform/logger';
import { ConfigError, loadConfig } from './config';

// The demo issuer lets whoever can read SECRETS_DIR mint any token. Outside production it is on by
// default (npm start just works); in production it is off unless two settings say otherwise.

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('LOCAL_ISSUER', () => {
  test('is on by default outside production', () => {
    expect(loadConfig({}).LOCAL_ISSUER).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test' }).LOCAL_ISSUER).toBe(true);
    expect(loadConfig({ LOCAL_ISSUER: 'false' }).LOCAL_ISSUER).toBe(false);
  });

  test('is off by default in production', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).LOCAL_ISSUER).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', LOCAL_ISSUER: 'false' }).LOCAL_ISSUER).toBe(false);
  });

  test('is on in production only with LOCAL_ISSUER=true and the acknowledgement', () => {
    expect(loadConfig({ NODE_ENV: 'production', LOCAL_ISSUER: 'true', LOCAL_ISSUER_IN_PRODUCTION: LOCAL_ISSUER_PRODUCTION_ACK }).LOCAL_ISSUER).toBe(true);
  });

  test('LOCAL_ISSUER=true alone in production stops start-up, saying what it means and what to set', () => {
    expect(problemsOf({ NODE_ENV: 'production', LOCAL_ISSUER: 'true' })).toEqual([
      expect.stringMatching(
        new RegExp(`^LOCAL_ISSUER: true with NODE_ENV=production: whoever can read SECRETS_DIR could mint any token .*TRUSTED_ISSUERS_FILE.*LOCAL_ISSUER_IN_PRODUCTION=${LOCAL_ISSUER_PRODUCTION_ACK}$`),
      ),
    ]);
  });

  test('the acknowledgement alone in production stops start-up too', () => {
    expect(problemsOf({ NODE_ENV: 'production', LOCAL_ISSUER_IN_PRODUCTION: LOCAL_ISSUER_PRODUCTION_ACK })).toEqual([
      expect.stringMatching(/^LOCAL_ISSUER_IN_PRODUCTION: set without LOCAL_ISSUER=true/),
    ]);
    expect(problemsOf({ NODE_ENV: 'production', LOCAL_ISSUER: 'false', LOCAL_ISSUER_IN_PRODUCTION: LOCAL_ISSUER_PRODUCTION_ACK })).toEqual([
      expect.stringMatching(/^LOCAL_ISSUER_IN_PRODUCTION: set without LOCAL_ISSUER=true/),
    ]);
  });

  test('an acknowledgement other than the exact words is refused', () => {
    expect(problemsOf({ NODE_ENV: 'production', LOCAL_ISSUER: 'true', LOCAL_ISSUER_IN_PRODUCTION: 'yes' })).toEqual(
      expect.arrayContaining([`LOCAL_ISSUER_IN_PRODUCTION: must be exactly "${LOCAL_ISSUER_PRODUCTION_ACK}" (or unset)`]),
    );
  });
});

describe('the issuers a production hub trusts', () => {
  let secrets: ReturnType<typeof temporaryDir>;
  let lines: string[];
  const log = () => {
    lines = [];
    return createLogger('info', 'test', new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
  };
  const demoToken = async () =>
    mintToken(await loadOrCreateLocalIssuer(secrets.dir), { subject: 'mallory', organisation: 'hub', roles: [Role.HUB_ADMIN], scopes: [], ttlSeconds: 60 });

  beforeEach(() => {
    secrets = temporaryDir();
  });
  afterEach(() => secrets.remove());

  test('by default: no demo issuer, so a token minted with the keys in SECRETS_DIR is refused', async () => {
    // A partner's own issuer, so that the hub has something to trust.
    const partner = await loadOrCreateLocalIssuer(path.join(secrets.dir, 'partner'));
    const issuersFile = path.join(secrets.dir, 'issuers.json');
    writeFileSync(issuersFile, JSON.stringify([{ organisation: 'wco', issuer: 'https://idp.wco.example', audience: HUB_AUDIENCE, publicKeys: [partner.publicJwk] }]));
    const config = loadConfig({ NODE_ENV: 'production', SECRETS_DIR: secrets.dir, TRUSTED_ISSUERS_FILE: issuersFile });
    const security = await loadSecurity(config, log());
    expect(await security.verifier.verify(await demoToken())).toMatchObject({ ok: false });
    expect(lines.join('')).not.toMatch(/LOCAL ISSUER/);
  });

  test('by default and without TRUSTED_ISSUERS_FILE: start-up stops, naming what to set', async () => {
    const config = loadConfig({ NODE_ENV: 'production', SECRETS_DIR: secrets.dir });
    await expect(loadSecurity(config, log())).rejects.toThrow('no trusted token issuer: set TRUSTED_ISSUERS_FILE (the local demo issuer is off with NODE_ENV=production)');
  });

  test('with both settings: the demo issuer is trusted, and start-up says so in a warning', async () => {
    const config = loadConfig({ NODE_ENV: 'production', SECRETS_DIR: secrets.dir, LOCAL_ISSUER: 'true', LOCAL_ISSUER_IN_PRODUCTION: LOCAL_ISSUER_PRODUCTION_ACK });
    const security = await loadSecurity(config, log());
    expect(await security.verifier.verify(await demoToken())).toMatchObject({ ok: true });
    const warnings = lines.map((line) => JSON.parse(line) as { level: number; msg: string }).filter((line) => line.level === 40);
    expect(warnings).toEqual([expect.objectContaining({ msg: expect.stringMatching(/^LOCAL ISSUER TRUSTED IN PRODUCTION .*can mint any token, HUB_ADMIN included/) })]);
  });

  test('outside production the demo issuer is trusted without a warning', async () => {
    const security = await loadSecurity(loadConfig({ SECRETS_DIR: secrets.dir }), log());
    expect(await security.verifier.verify(await demoToken())).toMatchObject({ ok: true });
    expect(lines.join('')).not.toMatch(/LOCAL ISSUER/);
  });
});
