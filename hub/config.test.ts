import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { HUB_AUDIENCE, loadOrCreateLocalIssuer, mintToken, Role } from '../identity';
import { temporaryDir } from '../identity/identity.fixture';
import { LOCAL_ISSUER_PRODUCTION_ACK } from '../identity/settings';
import { loadSecurity } from '../identity/trust';
import { createLogger } from '../platform/logger';
import { ConfigError, loadClusterConfig, loadConfig } from './config';
import { drainLeadMs, haproxyConfig, HEALTH_CHECK } from './load-balancer';

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

describe('the cluster and its drain', () => {
  const clusterProblemsOf = (env: Record<string, string>): string[] => {
    try {
      loadClusterConfig(env);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return [];
  };

  test('DRAIN_LEAD_MS is part of the drain, and HUB_LAYOUT=processes runs every service', () => {
    expect(problemsOf({ DRAIN_LEAD_MS: '15000' })).toEqual([expect.stringMatching(/^DRAIN_LEAD_MS: must be below DRAIN_TIMEOUT_MS \(15000\)/)]);
    expect(problemsOf({ DRAIN_LEAD_MS: '1600' })).toEqual([]);
    expect(problemsOf({ HUB_LAYOUT: 'processes', HUB_SERVICES: 'gateway' })).toEqual([expect.stringMatching(/^HUB_LAYOUT: processes starts every service in a process of its own/)]);
    expect(problemsOf({ HUB_LAYOUT: 'threads' })[0]).toMatch(/^HUB_LAYOUT: /);
  });

  test('the cluster names every bad setting: replica count, ports, the HAProxy program', () => {
    const problems = clusterProblemsOf({ CLUSTER_GATEWAYS: '0', HAPROXY_BIN: '/nonexistent/haproxy', GATEWAY_PORT: '4101', CLUSTER_GATEWAY_PORT_BASE: '4100' });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^CLUSTER_GATEWAYS: /),
        expect.stringMatching(/^HAPROXY_BIN: must name the HAProxy program/),
      ]),
    );
    expect(clusterProblemsOf({ GATEWAY_PORT: '4101', CLUSTER_GATEWAY_PORT_BASE: '4100', HAPROXY_BIN: process.execPath })).toEqual([expect.stringMatching(/^CLUSTER_GATEWAY_PORT_BASE: the replicas' ports \(4100–4101\) must not include GATEWAY_PORT/)]);
    expect(loadClusterConfig({ HAPROXY_BIN: process.execPath })).toMatchObject({ CLUSTER_GATEWAYS: 2, CLUSTER_GATEWAY_PORT_BASE: 4100, GATEWAY_PORT: 4000 });
  });

  test('in the cluster, DRAIN_TIMEOUT_MS leaves time to drain after the lead (HAProxy\'s, or DRAIN_LEAD_MS)', () => {
    const lead = drainLeadMs();
    for (const timeout of ['0', '100', String(lead)]) {
      expect(clusterProblemsOf({ HAPROXY_BIN: process.execPath, DRAIN_TIMEOUT_MS: timeout })).toEqual([expect.stringMatching(new RegExp(`^DRAIN_TIMEOUT_MS: must be at least ${lead + 1000} in the cluster: each gateway keeps serving for its drain lead \\(${lead} ms`))]);
    }
    expect(clusterProblemsOf({ HAPROXY_BIN: process.execPath, DRAIN_TIMEOUT_MS: String(lead + 1000) })).toEqual([]);
    expect(clusterProblemsOf({ HAPROXY_BIN: process.execPath, DRAIN_TIMEOUT_MS: '1500', DRAIN_LEAD_MS: '500' })).toEqual([]);
    expect(clusterProblemsOf({ HAPROXY_BIN: process.execPath, DRAIN_TIMEOUT_MS: '1200', DRAIN_LEAD_MS: '500' })[0]).toMatch(/^DRAIN_TIMEOUT_MS: must be at least 1500/);
  });

  test('HAProxy checks readiness fast enough for the lead a draining gateway is given', () => {
    const text = haproxyConfig({ host: '127.0.0.1', port: 4000, replicas: [{ name: 'gateway-1', host: '127.0.0.1', port: 4100 }, { name: 'gateway-2', host: '127.0.0.1', port: 4101 }] });
    expect(text).not.toMatch(/\{\{\w+\}\}/);
    expect(text).toContain('option httpchk GET /health/ready');
    expect(text).toContain('server gateway-2 127.0.0.1:4101 check');
    // The worst case for `fall` failed checks after the drain began fits in the lead, twice over.
    const { interMs, fastInterMs, fall } = HEALTH_CHECK;
    expect(drainLeadMs()).toBeGreaterThanOrEqual(2 * (interMs + (fall - 1) * fastInterMs));
    expect(drainLeadMs()).toBeLessThan(15_000);
  });
});
