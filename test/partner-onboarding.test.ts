import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../platform/config';
import { checkRequest, instantiate } from '../hub/cli/partner';
import { freePort, freePortBlock } from './ports';

// Onboarding as a partner's engineer does it, in a scratch copy of this working tree:
// `partner:new`, then the new partner's own test through the gateway, then the schema check.

describe('partner:new argument checks', () => {
  const existing = [{ code: 'wco', name: 'Customs Organisation (demo partner)', url: 'http://localhost:4012/graphql' }];

  test.each([
    ['Bad-Code', 'Fine Name', /code "Bad-Code" is not valid/],
    ['operations', 'Fine Name', /code "operations" is reserved/],
    ['wco', 'Fine Name', /partner "wco" already exists/],
    ['eulex', 'x', /display name "x" is not valid/],
    ['eulex', 'Name with `backticks`', /display name .* is not valid/],
  ])('%s / %s is refused', (code, name, message) => {
    expect(checkRequest(code, name, existing).join('\n')).toMatch(message);
  });

  test('a valid request passes and names are rewritten everywhere', () => {
    expect(checkRequest('eulex', 'Rule of Law Mission (demo)', existing)).toEqual([]);
    expect(instantiate("@ObjectType('TemplateShare') name: 'template' // Template Partner", 'eulex', 'Rule of Law Mission')).toBe(
      "@ObjectType('EulexShare') name: 'eulex' // Rule of Law Mission",
    );
  });
});

describe('in a scratch clone', () => {
  let scratch: string;
  const node = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, args, { cwd: scratch, encoding: 'utf8', env: { ...process.env, ...env } });

  beforeAll(() => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'frontera-onboarding-'));
    chmodSync(scratch, 0o755); // the embedded PostgreSQL runs as another OS user and must reach its data
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: repoRoot, encoding: 'utf8' }).split('\0')
      // node_modules is linked below; in a worktree whose node_modules is itself a symlink, `node_modules/` does not ignore it.
      .filter((file) => file && file !== 'node_modules');
    for (const file of files) {
      mkdirSync(path.dirname(path.join(scratch, file)), { recursive: true });
      cpSync(path.join(repoRoot, file), path.join(scratch, file));
    }
    symlinkSync(path.join(repoRoot, 'node_modules'), path.join(scratch, 'node_modules'));
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: scratch, stdio: 'inherit' });
  }, 180_000);

  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  test('a refused code changes nothing', () => {
    const registry = readFileSync(path.join(scratch, 'subgraphs/partners/registry.json'), 'utf8');
    const result = node(['dist/hub/cli/partner.js', 'wco', 'Another Customs Body']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/nothing was changed[\s\S]*partner "wco" already exists/);
    expect(readFileSync(path.join(scratch, 'subgraphs/partners/registry.json'), 'utf8')).toBe(registry);
  });

  test('partner:new demo scaffolds a partner that composes, answers through the gateway and passes its test', async () => {
    const created = node(['dist/hub/cli/partner.js', 'demo', 'Demo Partner']);
    expect(created.stderr).toBe('');
    expect(created.status).toBe(0);
    expect(created.stdout).toMatch(/Operation\.demo/);
    const registry = JSON.parse(readFileSync(path.join(scratch, 'subgraphs/partners/registry.json'), 'utf8'));
    expect(registry.partners.at(-1)).toMatchObject({ code: 'demo', name: 'Demo Partner' });
    expect(readFileSync(path.join(scratch, 'schema/supergraph.graphql'), 'utf8')).toMatch(/demo: DemoShare/);

    const check = node(['dist/schema/compose.js', '--check']);
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);

    // The scaffolded test, run by the scratch clone's own jest on its own embedded PostgreSQL.
    const port = String(await freePort());
    const jest = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules', 'jest', 'bin', 'jest.js'), 'subgraphs/partners/demo'], {
      cwd: scratch,
      encoding: 'utf8',
      env: { ...process.env, EMBEDDED_PG_PORT: port, EMBEDDED_PG_DIR: path.join(scratch, '.frontera', 'pgdata-test'), DATABASE_URL: '' },
    });
    expect(jest.stderr).toMatch(/Tests:\s+2 passed, 2 total/);
    expect(jest.status).toBe(0);
  }, 240_000);

  test('partner:new on a running hub: the new partner is served without a restart', async () => {
    // Ports of this run for everything `npm start` binds: gateway, subgraphs, partners, PostgreSQL.
    const base = await freePortBlock([0, 1, 2, 3, 10, 11, 12, 13, 14, 15, 100]);
    const registryFile = path.join(scratch, 'subgraphs/partners/registry.json');
    const registry = JSON.parse(readFileSync(registryFile, 'utf8')) as { partners: { code: string; url: string; schema?: string }[] };
    let next = base + 10;
    for (const partner of registry.partners) if (!partner.schema) partner.url = `http://localhost:${next++}/graphql`;
    writeFileSync(registryFile, JSON.stringify(registry, null, 2));
    expect(node(['dist/schema/compose.js']).status).toBe(0);

    const hub = spawn(process.execPath, ['dist/hub/main.js'], {
      cwd: scratch,
      env: {
        ...process.env,
        NODE_ENV: 'development',
        LOG_LEVEL: 'info',
        DATABASE_URL: '',
        GATEWAY_PORT: String(base),
        SUBGRAPH_PORT_BASE: String(base + 1),
        EMBEDDED_PG_PORT: String(base + 100),
        EMBEDDED_PG_DIR: path.join(scratch, '.frontera', 'pgdata-running'),
      },
    });
    let output = '';
    hub.stdout.on('data', (chunk) => (output += chunk));
    hub.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => hub.on('exit', (code) => resolve(code)));
    const until = async (what: string, check: () => boolean | Promise<boolean>, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (!(await check())) {
        if (Date.now() > deadline || hub.exitCode !== null) throw new Error(`${what}: not within ${timeoutMs} ms; the hub wrote:\n${output.slice(-4000)}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    };
    try {
      await until('the hub ready', () => output.includes('ready at'), 120_000);
      const token = node(['dist/identity/cli/token.js', '--org', 'hub', '--role', 'HUB_ADMIN']).stdout.trim();
      const query = async (text: string) => {
        const response = await fetch(`http://127.0.0.1:${base}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: text }),
        });
        return (await response.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };
      };
      const SECOND = `{ operation(code: "ANCHOR-III") { code second { records { __typename } } } }`;
      expect((await query(SECOND)).errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');

      const created = node(['dist/hub/cli/partner.js', 'second', 'Second Partner']);
      expect(created.stderr).toBe('');
      expect(created.status).toBe(0);
      const added = performance.now();
      await until('the new partner served', async () => !(await query(SECOND)).errors, 60_000);
      process.stdout.write(`partner:new on a running hub: "second" served ${(performance.now() - added).toFixed(0)} ms after partner:new returned\n`);
      expect((await query(SECOND)).data.operation).toEqual({ code: 'ANCHOR-III', second: { records: expect.any(Array) } });
      expect(output).toMatch(/partner subgraph added to the running hub/);
      expect(output).toMatch(/supergraph and trusted documents reloaded/);
      // The partners that were there are still served.
      expect((await query(`{ operation(code: "ANCHOR-III") { wco { seizureCount } } }`)).errors).toBeUndefined();
    } finally {
      hub.kill('SIGTERM');
      await exited;
    }
  }, 300_000);

  test('a partner running elsewhere is composed from the SDL it publishes, and schema:check catches one that breaks', () => {
    const published = (fields: string) => `extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])
"""Shared by the Acme partner about an operation."""
type AcmeShare { ${fields} }
type Operation @key(fields: "id") { id: ID! acme: AcmeShare }
`;
    mkdirSync(path.join(scratch, 'schema', 'partners'), { recursive: true });
    const sdl = path.join(scratch, 'schema', 'partners', 'acme.graphql');
    writeFileSync(sdl, published('reports: Int! lastReportAt: String'));
    const registryFile = path.join(scratch, 'subgraphs/partners/registry.json');
    const registry = JSON.parse(readFileSync(registryFile, 'utf8'));
    registry.partners.push({ code: 'acme', name: 'Acme (remote)', url: 'https://acme.example/graphql', schema: 'schema/partners/acme.graphql' });
    writeFileSync(registryFile, JSON.stringify(registry, null, 2));

    expect(node(['dist/schema/compose.js', '--check']).stderr).toMatch(/stale[\s\S]*schema\/subgraphs\/acme.graphql/);
    const composed = node(['dist/schema/compose.js']);
    expect(composed.status).toBe(0);
    const supergraph = readFileSync(path.join(scratch, 'schema/supergraph.graphql'), 'utf8');
    expect(supergraph).toMatch(/ACME @join__graph\(name: "acme", url: "https:\/\/acme.example\/graphql"\)/);
    expect(supergraph).toMatch(/acme: AcmeShare/);

    // The partner drops a field clients use: a breaking change, refused until acknowledged.
    writeFileSync(sdl, published('reports: Int!'));
    const breaking = node(['dist/schema/compose.js', '--check']);
    expect(breaking.status).toBe(1);
    expect(breaking.stderr).toMatch(/break existing clients[\s\S]*AcmeShare.lastReportAt/);

    // The partner publishes an SDL that contradicts the hub's: composition fails, named.
    writeFileSync(sdl, published('reports: Int!').replace('id: ID! acme', 'id: ID! code: Int acme'));
    const conflicting = node(['dist/schema/compose.js', '--check']);
    expect(conflicting.status).toBe(1);
    expect(conflicting.stderr).toMatch(/composition failed[\s\S]*Operation.code/);
  }, 60_000);
});
