import dgram from 'node:dgram';
import dns from 'node:dns';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { stripSecurityLinks } from '../authorization/gateway';
import { SUPERGRAPH_PATH } from '../gateway/server';
import { startTestHub } from './harness';

// The hub makes no outbound connection its operator did not configure. Every socket this process
// opens is watched from here on: a TCP/TLS connect (http, https, fetch and pg all end in
// net.Socket#connect, which sees the host name before any DNS query), a DNS lookup of a name, a UDP
// send. Anything not on the loopback is recorded and refused on the spot (an ECONNREFUSED), so
// nothing leaves the machine even when the test fails.

const attempts: string[] = [];

const loopback = (host: string | undefined) =>
  host === undefined || host === '' || host === 'localhost' || /^127\./.test(host) || host === '::1' || /^::ffff:127\./i.test(host) || host.endsWith('.localhost');

const refuse = (what: string) => Object.assign(new Error(`outbound ${what} refused by the test`), { code: 'ECONNREFUSED' });

type Connect = (this: net.Socket, ...args: unknown[]) => net.Socket;
const originalConnect = net.Socket.prototype.connect as unknown as Connect;
const originalLookup = dns.lookup;
const originalPromisesLookup = dns.promises.lookup;
const originalSend = dgram.Socket.prototype.send;

beforeAll(() => {
  (net.Socket.prototype as unknown as { connect: Connect }).connect = function (this: net.Socket, ...args: unknown[]) {
    const [options] = (net as unknown as { _normalizeArgs(a: unknown[]): [{ host?: string; path?: string; port?: number }] })._normalizeArgs(args);
    if (!options.path && !loopback(options.host ?? 'localhost')) {
      attempts.push(`connect ${options.host}:${options.port}`);
      process.nextTick(() => this.destroy(refuse('connect')));
      return this;
    }
    return originalConnect.apply(this, args);
  };
  (dns as { lookup: unknown }).lookup = function (hostname: string, ...rest: unknown[]) {
    if (!loopback(hostname) && net.isIP(hostname) === 0) {
      attempts.push(`dns ${hostname}`);
      const callback = rest.at(-1) as (error: Error) => void;
      process.nextTick(() => callback(refuse('DNS lookup')));
      return {};
    }
    return (originalLookup as (...a: unknown[]) => unknown)(hostname, ...rest);
  };
  (dns.promises as { lookup: unknown }).lookup = async (hostname: string, ...rest: unknown[]) => {
    if (!loopback(hostname) && net.isIP(hostname) === 0) {
      attempts.push(`dns ${hostname}`);
      throw refuse('DNS lookup');
    }
    return (originalPromisesLookup as (...a: unknown[]) => unknown)(hostname, ...rest);
  };
  (dgram.Socket.prototype as { send: unknown }).send = function (this: dgram.Socket, ...args: unknown[]) {
    const address = args.find((a, i) => i > 0 && typeof a === 'string') as string | undefined;
    if (address && !loopback(address)) {
      attempts.push(`udp ${address}`);
      return;
    }
    return (originalSend as (...a: unknown[]) => unknown).apply(this, args);
  };
});

afterAll(() => {
  (net.Socket.prototype as unknown as { connect: Connect }).connect = originalConnect;
  (dns as { lookup: unknown }).lookup = originalLookup;
  (dns.promises as { lookup: unknown }).lookup = originalPromisesLookup;
  (dgram.Socket.prototype as { send: unknown }).send = originalSend;
});

/** Lets timers and requests started during construction or shutdown run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 1_500));

test('the guard sees what a bare @apollo/gateway sends home (the control: without it this file proves nothing)', async () => {
  attempts.length = 0;
  const saved = process.env.APOLLO_TELEMETRY_DISABLED;
  delete process.env.APOLLO_TELEMETRY_DISABLED;
  try {
    const gateway = new ApolloGateway({ supergraphSdl: stripSecurityLinks(readFileSync(SUPERGRAPH_PATH, 'utf8')), logger: { debug() {}, info() {}, warn() {}, error() {} } });
    await gateway.load();
    // Construction probes the clouds' metadata addresses; stopping flushes the metrics exporter,
    // which otherwise exports hourly: both are attempts to leave the machine.
    await settle();
    await gateway.stop();
    await settle();
  } finally {
    if (saved === undefined) delete process.env.APOLLO_TELEMETRY_DISABLED;
    else process.env.APOLLO_TELEMETRY_DISABLED = saved;
  }
  expect(attempts).toEqual(expect.arrayContaining([expect.stringMatching(/^connect usage-reporting\.api\.apollographql\.com:443$/)]));
});

test('a running hub (every subgraph, the gateway, the access log) opens no socket beyond the loopback, from start to stop', async () => {
  attempts.length = 0;
  // Whatever jest.config.js or the shell set: the hub itself must turn Apollo's telemetry off.
  const saved = process.env.APOLLO_TELEMETRY_DISABLED;
  delete process.env.APOLLO_TELEMETRY_DISABLED;
  try {
    const hub = await startTestHub();
    try {
      const data = await hub.ok('{ operations(first: 2) { edges { node { code wco { seizureCount } } } } }');
      expect(data.operations.edges.length).toBeGreaterThan(0);
      await settle();
    } finally {
      await hub.stop();
    }
    await settle();
  } finally {
    if (saved === undefined) delete process.env.APOLLO_TELEMETRY_DISABLED;
    else process.env.APOLLO_TELEMETRY_DISABLED = saved;
  }
  expect(attempts).toEqual([]);
});

test('with the metrics server on, still nothing beyond the loopback (scraping pulls; nothing pushes)', async () => {
  attempts.length = 0;
  const hub = await startTestHub({ METRICS_PORT: '0' });
  try {
    await hub.ok('{ operations(first: 2) { edges { node { code wco { seizureCount } } } } }');
    const scraped = await fetch(hub.hub.metricsUrl!);
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toMatch(/^frontera_gateway_requests_total\{operation="anonymous",outcome="ok",organisation="hub"\} 1$/m);
    await settle();
  } finally {
    await hub.stop();
  }
  expect(attempts).toEqual([]);
});
