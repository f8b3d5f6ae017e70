import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../platform/config';
import { checkRequest, instantiate } from '../hub/cli/partner';
import { freePort } from './ports';

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
