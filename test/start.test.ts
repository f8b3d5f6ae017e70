import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../platform/config';
import { isAlive } from '../platform/database';
import { freePortBlock } from './ports';

// `npm start` as a user runs it: the compiled hub in its own process, with its own embedded
// PostgreSQL in a fresh folder, checked from the outside (stdout, HTTP, exit code, processes).

const main = path.join(repoRoot, 'dist', 'hub', 'main.js');

beforeAll(() => {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: repoRoot, stdio: 'inherit' });
}, 120_000);

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, [main], { cwd: repoRoot, env: { ...process.env, ...env, NODE_ENV: 'development', LOG_LEVEL: 'warn' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

test('a bad setting stops start-up before anything runs, naming each variable and what it accepts', async () => {
  const hub = run({ GATEWAY_PORT: 'eighty', NODE_ENV: 'staging', EMBEDDED_PG_PORT: '5432' });
  expect(await hub.exited).toBe(1);
  const { stderr } = hub.output();
  expect(stderr).toMatch(/GATEWAY_PORT: .*number/);
  expect(stderr).toMatch(/EMBEDDED_PG_PORT: must be a fixed port other than 5432/);
  expect(stderr).toMatch(/Nothing was started/);
});

test('npm start serves seeded data on an embedded PostgreSQL and SIGTERM leaves no process behind', async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'frontera-start-'));
  chmodSync(dataDir, 0o755); // mkdtemp makes it private; the postgres OS user must traverse it
  const gatewayPort = await freePortBlock([0, ...Array.from({ length: 20 }, (_, i) => i + 1), 100]);
  const hub = run({
    EMBEDDED_PG_DIR: path.join(dataDir, 'pgdata'),
    EMBEDDED_PG_PORT: String(gatewayPort + 100),
    GATEWAY_PORT: String(gatewayPort),
    SUBGRAPH_PORT_BASE: String(gatewayPort + 1),
    DATABASE_URL: '',
  });
  try {
    const deadline = Date.now() + 90_000;
    while (!hub.output().stdout.includes('ready at') && Date.now() < deadline && hub.child.exitCode === null) await new Promise((r) => setTimeout(r, 200));
    expect({ ...hub.output(), stdout: hub.output().stdout.slice(0, 2000) }).toMatchObject({ stdout: expect.stringContaining(`Frontera gateway ready at http://localhost:${gatewayPort}/graphql`) });

    const ready = await fetch(`http://127.0.0.1:${gatewayPort}/health/ready`);
    expect(ready.status).toBe(200);
    // As the README does it: a token from `npm run token`, which prints the token and nothing else.
    const token = execFileSync(process.execPath, [path.join(repoRoot, 'dist', 'identity', 'cli', 'token.js'), '--org', 'hub', '--role', 'HUB_ADMIN'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n?$/);
    const response = await fetch(`http://127.0.0.1:${gatewayPort}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token.trim()}` },
      body: JSON.stringify({ query: '{ operations(first: 5) { edges { node { code checkpoints { name country } results { checks hits } } } } }' }),
    });
    const body = (await response.json()) as { data: { operations: { edges: unknown[] } } };
    expect(body.data.operations.edges.length).toBeGreaterThanOrEqual(3);

    const postmaster = Number(readFileSync(path.join(dataDir, 'pgdata', 'postmaster.pid'), 'utf8').split('\n')[0]);
    expect(isAlive(postmaster)).toBe(true);
    hub.child.kill('SIGTERM');
    expect(await hub.exited).toBe(0);
    expect(isAlive(postmaster)).toBe(false);
    expect(existsSync(path.join(dataDir, 'pgdata', 'postmaster.pid'))).toBe(false);
  } finally {
    if (hub.child.exitCode === null) hub.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 150_000);
