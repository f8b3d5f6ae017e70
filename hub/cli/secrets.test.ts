import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initSecrets } from './secrets';

describe('secrets:init', () => {
  let dir: string;
  beforeEach(() => {
    dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'frontera-secrets-')), 'secrets');
  });
  afterEach(() => rmSync(path.dirname(dir), { recursive: true, force: true }));

  it('creates every key file the hub would generate at first start, readable by its owner only', async () => {
    const files = await initSecrets(dir, { localIssuer: false });
    expect(files).toEqual(['audit-key.json', 'audit-signing.json', 'hub-internal.json', 'hub-secrets.json', 'notification-signing.json']);
    for (const file of files) expect(statSync(path.join(dir, file)).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(files);
  });

  it('keeps the files already there, and adds the demo issuer’s key only when asked', async () => {
    await initSecrets(dir, { localIssuer: false });
    const before = Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));
    const files = await initSecrets(dir, { localIssuer: true });
    expect(files).toEqual([...Object.keys(before), 'local-issuer.json'].sort());
    for (const [file, content] of Object.entries(before)) expect(readFileSync(path.join(dir, file), 'utf8')).toBe(content);
  });
});
