import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../platform/config';
import { startTestHub, type TestHub } from './harness';
import { testConfig } from './database';

// TLS between the gateway and the subgraphs, and mutual TLS (what remote partner subgraphs
// require), with certificates made here by the openssl CLI, as the README's steps make them.

let dir: string;
const file = (name: string) => path.join(dir, name);
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

/** A CA, a server certificate for localhost signed by it, and a client certificate signed by it (and one by a CA nobody trusts). */
function makeCertificates(): void {
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=Frontera test CA');
  writeFileSync(file('server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'subgraph.key', '-out', 'subgraph.csr', '-subj', '/CN=localhost');
  openssl('x509', '-req', '-in', 'subgraph.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'subgraph.crt', '-days', '2', '-extfile', 'server.ext');
  writeFileSync(file('client.ext'), 'extendedKeyUsage=clientAuth\n');
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'gateway.key', '-out', 'gateway.csr', '-subj', '/CN=frontera-gateway');
  openssl('x509', '-req', '-in', 'gateway.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'gateway.crt', '-days', '2', '-extfile', 'client.ext');
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'rogue.key', '-out', 'rogue.crt', '-days', '2', '-subj', '/CN=rogue');
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'frontera-tls-'));
  makeCertificates();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** POSTs to a subgraph over https with node's client, trusting the test CA, optionally presenting a client certificate. */
function httpsPost(url: string, client?: { cert: string; key: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = https.request(url, {
      method: 'POST',
      ca: readFileSync(file('ca.crt')),
      ...(client ? { cert: readFileSync(file(client.cert)), key: readFileSync(file(client.key)) } : {}),
      headers: { 'content-type': 'application/json' },
      agent: false,
    }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('error', reject);
    request.end('{"query":"{ __typename }"}');
  });
}

const QUERY = '{ operation(code: "ANCHOR-III") { code trainingSessions { course { title } } wco { seizureCount } } }';

describe('TLS between the gateway and the subgraphs', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ SUBGRAPH_TLS_CERT_FILE: file('subgraph.crt'), SUBGRAPH_TLS_KEY_FILE: file('subgraph.key'), GATEWAY_TLS_CA_FILE: file('ca.crt') });
  });
  afterAll(() => t?.stop());

  test('the gateway calls every subgraph over https and the answer is whole', async () => {
    for (const [name, { url }] of t.hub.subgraphs) expect({ name, url }).toEqual({ name, url: expect.stringMatching(/^https:\/\//) });
    const data = await t.ok(QUERY);
    expect(data.operation.code).toBe('ANCHOR-III');
    expect(data.operation.trainingSessions.length).toBeGreaterThan(0);
    expect(data.operation.wco).not.toBeNull();
  });

  test('a subgraph refuses plain HTTP', async () => {
    const url = t.hub.subgraphs.get('operations')!.url.replace('https://', 'http://');
    await expect(fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' })).rejects.toThrow();
    // Over https, the same call reaches the subgraph, which refuses it for want of the gateway's signature.
    expect(await httpsPost(t.hub.subgraphs.get('operations')!.url)).toBe(401);
  });
});

describe('mutual TLS', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({
      SUBGRAPH_TLS_CERT_FILE: file('subgraph.crt'),
      SUBGRAPH_TLS_KEY_FILE: file('subgraph.key'),
      SUBGRAPH_TLS_CLIENT_CA_FILE: file('ca.crt'),
      GATEWAY_TLS_CA_FILE: file('ca.crt'),
      GATEWAY_TLS_CERT_FILE: file('gateway.crt'),
      GATEWAY_TLS_KEY_FILE: file('gateway.key'),
    });
  });
  afterAll(() => t?.stop());

  test('the gateway presents its client certificate and the answer is whole', async () => {
    for (const [name, { url }] of t.hub.subgraphs) expect({ name, url }).toEqual({ name, url: expect.stringMatching(/^https:\/\//) });
    const data = await t.ok(QUERY);
    expect(data.operation.code).toBe('ANCHOR-III');
    expect(data.operation.wco).not.toBeNull();
    // The readiness probe calls the subgraphs the same way (TLS, client certificate, call proof).
    const ready = await fetch(t.gatewayUrl.replace('/graphql', '/health/ready'));
    expect({ status: ready.status, body: await ready.json() }).toEqual({ status: 200, body: { status: 'ready' } });
  });

  test('a client without a certificate, or with one from another CA, is refused in the handshake', async () => {
    const url = t.hub.subgraphs.get('wco')!.url;
    await expect(httpsPost(url)).rejects.toThrow();
    await expect(httpsPost(url, { cert: 'rogue.crt', key: 'rogue.key' })).rejects.toThrow();
    // With the gateway's certificate, the TLS layer lets the call in (and the subgraph refuses it unsigned).
    expect(await httpsPost(url, { cert: 'gateway.crt', key: 'gateway.key' })).toBe(401);
  });
});

describe('TLS settings', () => {
  const problems = (overrides: Record<string, string>) => {
    try {
      testConfig(overrides);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return [];
  };

  test('a certificate without its key, a missing file, or client CAs without TLS stop start-up with the variable named', () => {
    expect(problems({ SUBGRAPH_TLS_CERT_FILE: file('subgraph.crt') })).toEqual([expect.stringMatching(/^SUBGRAPH_TLS_KEY_FILE: must be set too/)]);
    expect(problems({ GATEWAY_TLS_KEY_FILE: file('gateway.key') })).toEqual([expect.stringMatching(/^GATEWAY_TLS_CERT_FILE: must be set too/)]);
    expect(problems({ GATEWAY_TLS_CA_FILE: file('missing.crt') })).toEqual([expect.stringMatching(/^GATEWAY_TLS_CA_FILE: must name a file this process can read/)]);
    expect(problems({ SUBGRAPH_TLS_CLIENT_CA_FILE: file('ca.crt') })).toEqual([expect.stringMatching(/^SUBGRAPH_TLS_CLIENT_CA_FILE: needs SUBGRAPH_TLS_CERT_FILE/)]);
  });

  test('a gateway that trusts a CA refuses to call a subgraph over plain http', async () => {
    await expect(startTestHub({ GATEWAY_TLS_CA_FILE: file('ca.crt') })).rejects.toThrow(/every subgraph must be reached over https; not: .*operations=http:\/\//);
  });
});
