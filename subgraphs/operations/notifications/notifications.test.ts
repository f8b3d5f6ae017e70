import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import type { SigningKeyPair } from '../../../platform/key-store';
import { backoffMs } from './deliverer';
import { readEndpointRegistry } from './endpoints';
import { notificationJwks, signNotification, verifyNotification } from './signature';

const folder = mkdtempSync(path.join(os.tmpdir(), 'frontera-endpoints-'));
function registryFile(content: unknown): string {
  const file = path.join(folder, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('backoff', () => {
  test('doubles from the base up to the cap, with half of each wait random', () => {
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffMs(attempt, 100, 1000, () => 0))).toEqual([50, 100, 200, 400, 500, 500]);
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffMs(attempt, 100, 1000, () => 0.999_999))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
});

describe('endpoint registry', () => {
  const entry = { organisation: 'ncb-fra', url: 'https://bureau.example/hooks/frontera', events: ['hit.created'] };

  test('an organisation gets its enabled endpoint for the event, and nobody else any', () => {
    const registry = readEndpointRegistry(registryFile({ endpoints: [entry, { ...entry, organisation: 'ncb-ita', enabled: false }] }), { production: true });
    expect(registry.endpointFor('ncb-fra', 'hit.created')?.url).toBe(entry.url);
    expect(registry.endpointFor('ncb-ita', 'hit.created')).toBeUndefined();
    expect(registry.endpointFor('ncb-deu', 'hit.created')).toBeUndefined();
  });

  test('every problem is listed: bad codes, URLs and events, duplicates, plain http in production', () => {
    const bad = registryFile({ endpoints: [{ ...entry, organisation: 'NCB FRA' }, { ...entry, url: 'ftp://x' }, { ...entry, events: [] }] });
    expect(() => readEndpointRegistry(bad, { production: false })).toThrow(/endpoints\.0\.organisation: must be an organisation code[\s\S]*endpoints\.1\.url[\s\S]*endpoints\.2\.events/);
    const twice = registryFile({ endpoints: [entry, { ...entry, url: 'http://127.0.0.1:9/x' }] });
    expect(() => readEndpointRegistry(twice, { production: true })).toThrow(/ncb-fra: listed twice[\s\S]*is not https/);
    expect(readEndpointRegistry(registryFile({ endpoints: [{ ...entry, url: 'http://127.0.0.1:9/x' }] }), { production: false }).entries).toHaveLength(1);
    expect(() => readEndpointRegistry(registryFile('{ not json'), { production: false })).toThrow(/cannot be read/);
  });
});

describe('signature', () => {
  async function key(): Promise<SigningKeyPair> {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const publicJwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    return { kid: 'k1', publicJwk, privateKey, publicKey };
  }
  const content = { idempotencyKey: 'n-1', organisation: 'ncb-fra', event: 'hit.created' as const, hit: { id: 'h', alertId: 'a', checkpointId: 'c', detectedAt: '2026-11-30T10:00:00.000Z' } };

  test('what the hub signs verifies with its published key, for its addressee only', async () => {
    const pair = await key();
    const body = await signNotification(pair, content);
    await expect(verifyNotification(body, notificationJwks(pair), 'ncb-fra')).resolves.toMatchObject({ jti: 'n-1', aud: 'ncb-fra', hit: content.hit });
    await expect(verifyNotification(body, notificationJwks(pair), 'ncb-ita')).rejects.toThrow(/"aud" claim/);
    await expect(verifyNotification(body, notificationJwks(await key()), 'ncb-fra')).rejects.toThrow(/signature verification failed/);
  });
});
