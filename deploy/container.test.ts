import 'reflect-metadata';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { catalog } from '../hub/catalog';
import { CONFIG_KEYS, loadConfig } from '../hub/config';
import { repoRoot } from '../platform/config';
import { READINESS_PATH } from '../platform/http';

// The Dockerfile and docker-compose.yml, checked offline (no container engine runs here): what can
// be read from the files themselves, against the hub they package.

/** Variables set for a library or for Node, not read by the hub's configuration. */
const NOT_HUB_SETTINGS = new Set(['NODE_OPTIONS', 'APOLLO_TELEMETRY_DISABLED']);
/** The one base image, pinned by tag (a digest may be added). */
const BASE_IMAGE = /^node:20-bookworm-slim(@sha256:[0-9a-f]{64})?$/;

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

/** The Dockerfile's stages and instructions (continuation lines joined, comments dropped). */
function dockerfileStages(text: string): Stage[] {
  const logical = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, keyword, args] = /^(\S+)\s+(.*)$/.exec(line)!;
    if (keyword.toUpperCase() === 'FROM') {
      const [, from, name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args)!;
      stages.push({ name: name ?? String(stages.length), from, instructions: [] });
    } else {
      stages.at(-1)!.instructions.push({ keyword: keyword.toUpperCase(), args });
    }
  }
  return stages;
}

/** `ENV A=1 B="x y"` → { A: '1', B: 'x y' }. */
function envPairs(args: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const [, name, quoted, bare] of args.matchAll(/(\w+)=(?:"([^"]*)"|(\S+))/g)) pairs[name] = quoted ?? bare;
  return pairs;
}

const dockerfile = dockerfileStages(readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8'));
const stage = (name: string) => dockerfile.find((s) => s.name === name)!;
const runs = (s: Stage) => s.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);

/** hub/main.ts exits by itself this long after the drain's deadline (the access log sealed by then). */
const sealBoundMs = Number(/DRAIN_TIMEOUT_MS \+ ([\d_]+)\)/.exec(readFileSync(path.join(repoRoot, 'hub', 'main.ts'), 'utf8'))![1].replace(/_/g, ''));

describe('Dockerfile', () => {
  const runtime = dockerfile.at(-1)!;
  const runtimeEnv = Object.assign({}, ...runtime.instructions.filter((i) => i.keyword === 'ENV').map((i) => envPairs(i.args))) as Record<string, string>;

  it('builds in stages from one pinned base: all dependencies, the build, production dependencies, the runtime', () => {
    expect(dockerfile.map((s) => s.name)).toEqual(['deps', 'build', 'prod-deps', 'runtime']);
    for (const { from } of dockerfile) expect(from === 'deps' || BASE_IMAGE.test(from)).toBe(true);
    expect(runs(stage('deps'))).toContainEqual(expect.stringMatching(/^npm ci\b/));
    expect(stage('build').from).toBe('deps');
    // `npm run build` is what the image builds: whatever it grows to build (the console) comes along.
    expect(runs(stage('build'))).toContain('npm run build');
    expect(runs(stage('prod-deps')).join('\n')).toMatch(/npm ci --omit=dev/);
  });

  it('takes no dev dependency, npm or compiler into the runtime', () => {
    expect(runs(runtime).join('\n')).not.toMatch(/\bnpm\b|\bnpx\b|\btsc\b/);
    const copies = runtime.instructions.filter((i) => i.keyword === 'COPY').map((i) => i.args);
    // node_modules only from the production-dependencies stage; from the build, only its output.
    expect(copies.filter((c) => c.includes('node_modules'))).toEqual(['--from=prod-deps /app/node_modules ./node_modules']);
    expect(copies.filter((c) => c.startsWith('--from=build'))).toEqual(['--from=build /app/dist ./dist']);
    // The rest from the build context: files the hub reads at run time, each present in the repository.
    for (const copy of copies.filter((c) => !c.startsWith('--from='))) {
      const source = copy.split(/\s+/)[0];
      const [dir, pattern] = source.includes('*') ? [path.dirname(source), new RegExp(`^${path.basename(source).replace('.', '\\.').replace('*', '.*')}$`)] : [source, null];
      expect(existsSync(path.join(repoRoot, dir))).toBe(true);
      if (pattern) expect(readdirSync(path.join(repoRoot, dir)).some((f) => pattern.test(f))).toBe(true);
    }
  });

  it('runs node as an unprivileged user, with a readiness health check', () => {
    const users = runtime.instructions.filter((i) => i.keyword === 'USER').map((i) => i.args);
    expect(users).toHaveLength(1);
    const [uid] = users[0].split(':');
    // Numeric, so that Kubernetes' runAsNonRoot can check it; the manifests run as the same uid.
    expect(Number(uid)).toBeGreaterThan(0);
    const last = runtime.instructions.at(-1)!;
    expect(last).toEqual({ keyword: 'CMD', args: '["node", "dist/hub/main.js"]' });
    expect(existsSync(path.join(repoRoot, 'hub', 'main.ts'))).toBe(true);
    const healthcheck = runtime.instructions.find((i) => i.keyword === 'HEALTHCHECK')!.args;
    expect(healthcheck).toContain(READINESS_PATH);
    expect(healthcheck).toContain('process.env.GATEWAY_PORT || 4000');
  });

  it('sets only real settings, which the hub accepts, and writes only outside the image', () => {
    expect(Object.keys(runtimeEnv).filter((name) => !CONFIG_KEYS.includes(name) && !NOT_HUB_SETTINGS.has(name))).toEqual([]);
    const config = loadConfig({ ...runtimeEnv, DATABASE_URL: 'postgresql://frontera@db:5432/frontera', TRUSTED_ISSUERS_FILE: '/etc/frontera/trust/trusted-issuers.json' });
    expect(config.NODE_ENV).toBe('production');
    // Where the hub writes: absolute, outside /app, owned by the user the image runs as (a fresh
    // volume mounted there takes that owner).
    const user = runtime.instructions.find((i) => i.keyword === 'USER')!.args;
    const chown = runs(runtime).join(' && ').split(' && ').find((command) => command.startsWith(`chown ${user} `))!;
    for (const dir of [config.SECRETS_DIR, config.AUDIT_WITNESS_DIR]) {
      expect(dir.startsWith('/') && !dir.startsWith('/app')).toBe(true);
      expect(chown.split(/\s+/)).toContain(dir);
    }
  });

  it('keeps local state, keys and dependencies out of the build context', () => {
    const ignored = readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    for (const entry of ['.git', 'node_modules', 'dist', '.frontera']) expect(ignored).toContain(entry);
  });
});

describe('docker-compose.yml', () => {
  interface ComposeService {
    image?: string;
    command?: string[];
    read_only?: boolean;
    user?: string;
    tmpfs?: string[];
    cap_drop?: string[];
    environment?: Record<string, string>;
    volumes?: string[];
    healthcheck?: { test?: string[]; disable?: boolean };
    stop_grace_period?: string;
    depends_on?: Record<string, { condition: string }>;
  }
  const compose = parse(readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService>; volumes: Record<string, unknown> };
  const services = compose.services;
  const frontera = Object.entries(services).filter(([, s]) => s.image?.startsWith('frontera:'));
  /** The long-running Frontera services (not the one-shot keys and migrate). */
  const running = frontera.filter(([, s]) => !s.command);
  const subgraphNames = catalog.map((d) => d.name);

  it('runs one service per HUB_SERVICES group, each naming a real service, every one covered once', () => {
    const groups = running.map(([, s]) => loadConfig(s.environment).HUB_SERVICES);
    expect(groups.flat().sort()).toEqual(['gateway', ...subgraphNames].sort());
    expect(groups.every((group) => group.length === 1)).toBe(true);
    const urls = loadConfig(services.gateway.environment).SUBGRAPH_URLS;
    expect(Object.keys(urls).sort()).toEqual([...subgraphNames].sort());
    for (const name of subgraphNames) expect(Object.keys(services)).toContain(new URL(urls[name]).hostname);
  });

  it('sets only real settings, and the hub accepts every service’s configuration', () => {
    for (const [name, service] of frontera) {
      const env = service.environment!;
      expect({ name, unknown: Object.keys(env).filter((key) => !CONFIG_KEYS.includes(key) && !NOT_HUB_SETTINGS.has(key)) }).toEqual({ name, unknown: [] });
      expect(() => loadConfig(env)).not.toThrow();
    }
  });

  it('runs every Frontera container unprivileged on a read-only root, keys read-only, the witness on a volume', () => {
    for (const [name, service] of frontera) {
      expect({ name, read_only: service.read_only, tmpfs: service.tmpfs, cap_drop: service.cap_drop }).toEqual({ name, read_only: true, tmpfs: ['/tmp'], cap_drop: ['ALL'] });
      expect(Number(service.user!.split(':')[0])).toBeGreaterThan(0);
      const config = loadConfig(service.environment);
      const mounts = new Map(service.volumes!.map((v) => v.split(':')).map(([volume, target, mode]) => [target, { volume, mode }]));
      // Only the keys service writes the key files; every other one mounts them read-only.
      expect(mounts.get(config.SECRETS_DIR)).toEqual({ volume: 'keys', mode: name === 'keys' ? undefined : 'ro' });
      if (name !== 'keys') expect(mounts.get(config.AUDIT_WITNESS_DIR)).toEqual({ volume: 'witness', mode: undefined });
      for (const { volume } of mounts.values()) expect(Object.keys(compose.volumes)).toContain(volume);
    }
    expect(services.keys.command).toEqual(['node', 'dist/hub/cli/secrets.js', '--local-issuer']);
    expect(services.migrate.command).toEqual(['node', 'dist/hub/cli/migrate.js']);
  });

  it('checks each service’s readiness on its own port, and gives the drain its time', () => {
    for (const [name, service] of running) {
      const config = loadConfig(service.environment);
      const port = name === 'gateway' ? config.GATEWAY_PORT : Number(new URL(config.SUBGRAPH_URLS[name]).port);
      expect(service.healthcheck!.test!.join(' ')).toContain(`http://127.0.0.1:${port}${READINESS_PATH}`);
      const grace = Number(/^(\d+)s$/.exec(service.stop_grace_period!)![1]);
      expect(grace * 1000).toBeGreaterThanOrEqual(config.DRAIN_TIMEOUT_MS + sealBoundMs);
    }
    expect(services.postgres.healthcheck!.test).toContain('pg_isready');
  });

  it('starts each service after what it needs', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const dependency of Object.keys(service.depends_on ?? {})) expect({ name, dependency, exists: dependency in services }).toEqual({ name, dependency, exists: true });
    }
    expect(services.migrate.depends_on).toEqual({ postgres: { condition: 'service_healthy' }, keys: { condition: 'service_completed_successfully' } });
    for (const [name, service] of running) expect({ name, migrate: service.depends_on?.migrate }).toEqual({ name, migrate: { condition: 'service_completed_successfully' } });
    for (const subgraph of subgraphNames) expect(services.gateway.depends_on![subgraph]).toEqual({ condition: 'service_healthy' });
  });
});
