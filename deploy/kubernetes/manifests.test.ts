import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { catalog } from '../../hub/catalog';
import { CONFIG_KEYS, loadConfig } from '../../hub/config';
import { repoRoot } from '../../platform/config';
import { LIVENESS_PATH, READINESS_PATH } from '../../platform/http';
import { podContainers, renderKustomization, type KubernetesObject } from './render';
import { typeErrors } from './typecheck';

// The Kubernetes manifests, checked offline: the base and each overlay rendered (./render.ts, the
// kustomize subset they use), every object validated against the Kubernetes v1.36 API schemas of
// kubernetes-models, and what no schema sees: the references between objects, and between the
// manifests and the hub (its services, settings, ports, health paths, drain).

const ROOT = path.join(repoRoot, 'deploy', 'kubernetes');
const BUILDS = ['base', 'overlays/demo', 'overlays/production'];

/** The API versions every object must use: all served by Kubernetes 1.36 (the schemas merge older, removed ones too). */
const SERVED_API_VERSIONS = new Set(['v1', 'apps/v1', 'batch/v1', 'policy/v1', 'autoscaling/v2', 'networking.k8s.io/v1', 'postgresql.cnpg.io/v1']);

/**
 * Secrets and ConfigMaps the pods use that no manifest creates, with who provides them; each is
 * documented in the README's "Kubernetes" section (checked below).
 */
const PROVIDED_ELSEWHERE: Record<string, string> = {
  'frontera-keys': 'the operator, from `npm run secrets:init`',
  'frontera-trusted-issuers': 'the operator in production (the demo overlay brings its own)',
  'frontera-db-app': "CloudNativePG, for the Cluster frontera-db (`<cluster>-app`)",
};

/** Variables a container may set that are not hub settings: read by a library, not by the hub. */
const LIBRARY_VARIABLES = new Set(['APOLLO_TELEMETRY_DISABLED']);

/** Stands for a secretKeyRef's value when the configuration is checked. */
const SECRET_PLACEHOLDERS: Record<string, string> = { DATABASE_URL: 'postgresql://frontera@frontera-db-rw:5432/frontera' };

type Labels = Record<string, string>;
interface Container {
  name: string;
  image: string;
  command?: string[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: { name: string } } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports?: { name?: string; containerPort: number }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  resources?: { requests?: { cpu?: string; memory?: string }; limits?: { memory?: string } };
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean; runAsNonRoot?: boolean; capabilities?: { drop?: string[] } };
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface Probe {
  httpGet?: { path: string; port: string | number };
}
interface PodTemplate {
  metadata: { labels: Labels };
  spec: {
    containers: Container[];
    terminationGracePeriodSeconds?: number;
    automountServiceAccountToken?: boolean;
    securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
    volumes?: { name: string; secret?: { secretName: string }; configMap?: { name: string }; persistentVolumeClaim?: { claimName: string }; emptyDir?: object }[];
  };
}
interface Workload extends KubernetesObject {
  spec: { replicas?: number; selector?: { matchLabels: Labels }; template: PodTemplate };
}
interface LabelSelector {
  matchLabels?: Labels;
}

const builds = new Map(BUILDS.map((build) => [build, renderKustomization(path.join(ROOT, build))]));

function workloads(objects: KubernetesObject[]): Workload[] {
  return objects.filter((o) => o.kind === 'Deployment' || o.kind === 'Job') as Workload[];
}
function deployments(objects: KubernetesObject[]): Workload[] {
  return objects.filter((o) => o.kind === 'Deployment') as Workload[];
}
function selects(selector: LabelSelector | undefined, labels: Labels): boolean {
  return Object.entries(selector?.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
}
function named<T extends KubernetesObject>(objects: KubernetesObject[], kind: string, name: string): T | undefined {
  return objects.find((o) => o.kind === kind && o.metadata.name === name) as T | undefined;
}
function envValue(container: Container, name: string): string | undefined {
  return container.env?.find((e) => e.name === name)?.value;
}
/** What a container's process sees: its ConfigMaps' data, then its own env (which wins), secrets as placeholders. */
function environment(objects: KubernetesObject[], container: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const map = named<KubernetesObject & { data: Labels }>(objects, 'ConfigMap', source.configMapRef!.name);
    Object.assign(env, map!.data);
  }
  for (const variable of container.env ?? []) env[variable.name] = variable.value ?? SECRET_PLACEHOLDERS[variable.name];
  return env;
}
/** The services a container runs (HUB_SERVICES). */
function servicesOf(objects: KubernetesObject[], container: Container): string[] {
  return loadConfig(environment(objects, container)).HUB_SERVICES;
}

/** The schema check, in a child process: kubernetes-models is an ES module, these tests run as CommonJS. */
function validateSchemas(objects: unknown[]): { apiVersion: string; kind: string; name: string; status: string; errors?: string }[] {
  const run = spawnSync(process.execPath, [path.join(ROOT, 'validate-schemas.mjs')], { input: JSON.stringify(objects), encoding: 'utf8', cwd: repoRoot });
  if (run.status !== 0) throw new Error(`validate-schemas.mjs failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

describe('the schema check', () => {
  it('refuses what the Kubernetes API would: a wrong type, a bad quantity, a missing required field', () => {
    const deployment = structuredClone(deployments(builds.get('base')!)[0]);
    const wrongPort = structuredClone(deployment);
    (wrongPort.spec.template.spec.containers[0].ports![0] as { containerPort: unknown }).containerPort = 'http';
    const badQuantity = structuredClone(deployment);
    badQuantity.spec.template.spec.containers[0].resources!.requests!.cpu = 'a lot';
    const noSelector = structuredClone(deployment);
    delete noSelector.spec.selector;
    const results = validateSchemas([deployment, wrongPort, badQuantity, noSelector]);
    expect(results.map((r) => r.status)).toEqual(['valid', 'invalid', 'invalid', 'invalid']);
    expect(results[1].errors).toContain('containerPort');
    expect(results[2].errors).toContain('cpu');
    expect(results[3].errors).toContain('selector');
  });

  it('refuses a field the API does not have, which the schemas let through', () => {
    const deployment = structuredClone(deployments(builds.get('base')!)[0]);
    (deployment.spec.template.spec.containers[0] as unknown as Record<string, unknown>).readinesProbe = { httpGet: { path: READINESS_PATH, port: 'http' } };
    expect(validateSchemas([deployment]).map((r) => r.status)).toEqual(['valid']);
    expect(typeErrors([deployment], repoRoot)).toEqual([expect.stringMatching(/^Deployment\/gateway: .*'"readinesProbe"' does not exist in type 'IContainer'/)]);
  });
});

describe.each(BUILDS)('%s', (build) => {
  const objects = builds.get(build)!;

  it('validates against the Kubernetes 1.36 API schemas (the CloudNativePG Cluster, which has none there, structurally)', () => {
    const results = validateSchemas(objects);
    expect(results.filter((r) => r.status === 'invalid')).toEqual([]);
    // Only the custom resource goes without a schema; every built-in kind is checked.
    expect(results.filter((r) => r.status === 'no-schema').map((r) => `${r.apiVersion}/${r.kind}`)).toEqual(['postgresql.cnpg.io/v1/Cluster']);
    expect(objects.filter((o) => !SERVED_API_VERSIONS.has(o.apiVersion)).map((o) => `${o.apiVersion}/${o.kind}`)).toEqual([]);
    const names = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(new Set(names).size).toBe(names.length);

    // What is checked of the Cluster (postgresql.cnpg.io/v1): the fields the rest relies on.
    const cluster = named<KubernetesObject & { spec: { instances: number; storage: { size: string }; bootstrap: { initdb: { database: string; owner: string; postInitApplicationSQL: string[] } } } }>(objects, 'Cluster', 'frontera-db')!;
    expect(Number.isInteger(cluster.spec.instances) && cluster.spec.instances >= 1).toBe(true);
    expect(cluster.spec.storage.size).toMatch(/^\d+(Mi|Gi|Ti)$/);
    expect(cluster.spec.bootstrap.initdb).toMatchObject({ database: 'frontera', owner: 'frontera' });
    expect(cluster.spec.bootstrap.initdb.postInitApplicationSQL.join('\n')).toContain('CREATEROLE');
  });

  it('uses only fields the Kubernetes API has (kubernetes-models’ exact interfaces)', () => {
    expect(typeErrors(objects, repoRoot)).toEqual([]);
  });

  it('runs one Deployment and Service per service of the hub, on the ports the hub listens on', () => {
    const subgraphNames = catalog.map((d) => d.name);
    const byService = new Map(deployments(objects).map((d) => [servicesOf(objects, d.spec.template.spec.containers[0]).join(','), d]));
    expect([...byService.keys()].sort()).toEqual(['gateway', ...subgraphNames].sort());

    const gatewayContainer = byService.get('gateway')!.spec.template.spec.containers[0];
    const urls = loadConfig(environment(objects, gatewayContainer)).SUBGRAPH_URLS;
    expect(Object.keys(urls).sort()).toEqual([...subgraphNames].sort());
    for (const name of subgraphNames) {
      const url = new URL(urls[name]);
      const service = named<KubernetesObject & { spec: { ports: { port: number }[] } }>(objects, 'Service', url.hostname);
      expect(service).toBeDefined();
      expect(service!.spec.ports.map((p) => p.port)).toEqual([Number(url.port)]);
      // The process takes its port from its own SUBGRAPH_URLS entry (hub/runtime.ts, listenPort).
      expect(byService.get(name)!.spec.template.spec.containers[0].ports!.map((p) => p.containerPort)).toEqual([Number(url.port)]);
    }
    expect(gatewayContainer.ports!.map((p) => p.containerPort)).toEqual([loadConfig(environment(objects, gatewayContainer)).GATEWAY_PORT]);
  });

  it('selects what exists: Services, PodDisruptionBudgets, the autoscaler, NetworkPolicies', () => {
    const templates = workloads(objects).map((w) => w.spec.template);
    for (const workload of deployments(objects)) expect(selects(workload.spec.selector, workload.spec.template.metadata.labels)).toBe(true);
    for (const service of objects.filter((o) => o.kind === 'Service') as (KubernetesObject & { spec: { selector: Labels; ports: { targetPort: string }[] } })[]) {
      const targets = deployments(objects).filter((d) => selects({ matchLabels: service.spec.selector }, d.spec.template.metadata.labels));
      expect(targets.map((d) => d.metadata.name)).toEqual([service.metadata.name]);
      const portNames = targets[0].spec.template.spec.containers.flatMap((c) => c.ports!.map((p) => p.name));
      for (const port of service.spec.ports) expect(portNames).toContain(port.targetPort);
    }
    for (const budget of objects.filter((o) => o.kind === 'PodDisruptionBudget') as (KubernetesObject & { spec: { selector: LabelSelector } })[]) {
      expect(deployments(objects).filter((d) => selects(budget.spec.selector, d.spec.template.metadata.labels)).map((d) => d.metadata.name)).toEqual([budget.metadata.name]);
    }
    const autoscalers = objects.filter((o) => o.kind === 'HorizontalPodAutoscaler') as (KubernetesObject & { spec: { scaleTargetRef: { kind: string; name: string } } })[];
    expect(autoscalers.map((a) => a.spec.scaleTargetRef)).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'gateway' }]);
    const scaled = named<Workload>(objects, 'Deployment', 'gateway')!;
    // The autoscaler owns the count: an apply carrying replicas would reset it.
    expect(scaled.spec.replicas).toBeUndefined();
    expect(scaled.spec.template.spec.containers[0].resources!.requests!.cpu).toBeDefined();

    const policies = objects.filter((o) => o.kind === 'NetworkPolicy') as (KubernetesObject & { spec: { podSelector: LabelSelector; ingress?: { from?: { podSelector?: LabelSelector }[]; ports?: { port: number }[] }[] } })[];
    const cluster = named(objects, 'Cluster', 'frontera-db')!;
    for (const policy of policies) {
      const isDatabase = policy.spec.podSelector.matchLabels?.['cnpg.io/cluster'] === cluster.metadata.name;
      if (!isDatabase) expect(templates.some((t) => selects(policy.spec.podSelector, t.metadata.labels))).toBe(true);
      for (const peer of (policy.spec.ingress ?? []).flatMap((rule) => rule.from ?? [])) {
        if (peer.podSelector && !peer.podSelector.matchLabels?.['cnpg.io/cluster']) expect(templates.some((t) => selects(peer.podSelector, t.metadata.labels))).toBe(true);
      }
    }

    // Subgraphs: exactly the subgraph Deployments, from the gateway only, on every subgraph's port.
    const subgraphPolicy = policies.find((p) => p.metadata.name === 'subgraphs-from-gateway')!;
    const subgraphDeployments = deployments(objects).filter((d) => d.metadata.name !== 'gateway');
    expect(deployments(objects).filter((d) => selects(subgraphPolicy.spec.podSelector, d.spec.template.metadata.labels))).toEqual(subgraphDeployments);
    const [fromGateway] = subgraphPolicy.spec.ingress!;
    expect(workloads(objects).filter((w) => fromGateway.from!.some((peer) => selects(peer.podSelector, w.spec.template.metadata.labels))).map((w) => w.metadata.name)).toEqual(['gateway']);
    expect(fromGateway.ports!.map((p) => p.port).sort()).toEqual(subgraphDeployments.map((d) => d.spec.template.spec.containers[0].ports![0].containerPort).sort());

    // PostgreSQL: its pods, from every process that writes (all Frontera workloads) and CloudNativePG.
    const databasePolicy = policies.find((p) => p.spec.podSelector.matchLabels?.['cnpg.io/cluster'] === cluster.metadata.name)!;
    const writers = databasePolicy.spec.ingress!.flatMap((rule) => rule.from ?? []).filter((peer) => peer.podSelector && !peer.podSelector.matchLabels?.['cnpg.io/cluster']);
    expect(workloads(objects).filter((w) => writers.some((peer) => selects(peer.podSelector, w.spec.template.metadata.labels)))).toEqual(workloads(objects));
    expect(policies.find((p) => p.metadata.name === 'default-deny-ingress')!.spec.podSelector).toEqual({});
  });

  it('probes the real health paths on a real port, and gives the drain its time', () => {
    const main = readFileSync(path.join(repoRoot, 'hub', 'main.ts'), 'utf8');
    // hub/main.ts exits by itself this long after the drain's deadline: the access log is sealed by then.
    const sealBoundMs = Number(/DRAIN_TIMEOUT_MS \+ ([\d_]+)\)/.exec(main)![1].replace(/_/g, ''));
    for (const deployment of deployments(objects)) {
      const pod = deployment.spec.template.spec;
      const [container] = pod.containers;
      const portNames = container.ports!.map((p) => p.name);
      expect(container.readinessProbe!.httpGet!.path).toBe(READINESS_PATH);
      expect(container.livenessProbe!.httpGet!.path).toBe(LIVENESS_PATH);
      expect(container.startupProbe!.httpGet!.path).toBe(LIVENESS_PATH);
      for (const probe of [container.readinessProbe, container.livenessProbe, container.startupProbe]) expect(portNames).toContain(probe!.httpGet!.port);
      const [sleep, seconds] = container.lifecycle!.preStop!.exec!.command;
      expect(sleep).toBe('sleep');
      const drainMs = loadConfig(environment(objects, container)).DRAIN_TIMEOUT_MS;
      expect(pod.terminationGracePeriodSeconds! * 1000).toBeGreaterThanOrEqual(Number(seconds) * 1000 + drainMs + sealBoundMs);
    }
  });

  it('sets only real settings, and the hub accepts every container’s configuration', () => {
    for (const workload of workloads(objects)) {
      for (const container of workload.spec.template.spec.containers) {
        const env = environment(objects, container);
        expect(Object.keys(env).filter((name) => !CONFIG_KEYS.includes(name) && !LIBRARY_VARIABLES.has(name))).toEqual([]);
        expect(() => loadConfig(env)).not.toThrow();
        expect(loadConfig(env).NODE_ENV).toBe('production');
        for (const service of servicesOf(objects, container)) expect(['all', 'gateway', ...catalog.map((d) => d.name)]).toContain(service);
      }
    }
    const migrate = named<Workload>(objects, 'Job', 'frontera-migrate')!.spec.template.spec.containers[0];
    expect(migrate.command).toEqual(['node', 'dist/hub/cli/migrate.js']);
    expect(envValue(migrate, 'HUB_SERVICES')).toBe('all');
    expect(envValue(migrate, 'SEED')).toBe(build === 'overlays/demo' ? 'true' : 'false');
  });

  it('runs unprivileged on a read-only root, writing only to volumes, with resources set', () => {
    const byName = (objectsOfKind: string) => new Set(objects.filter((o) => o.kind === objectsOfKind).map((o) => o.metadata.name));
    const claims = byName('PersistentVolumeClaim');
    for (const workload of workloads(objects)) {
      const pod = workload.spec.template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
      expect(pod.securityContext!.runAsUser).toBeGreaterThan(0);
      expect(pod.automountServiceAccountToken).toBe(false);
      for (const container of pod.containers) {
        expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
        expect(container.resources).toMatchObject({ requests: { cpu: expect.any(String), memory: expect.any(String) }, limits: { memory: expect.any(String) } });
        const mounts = new Map(container.volumeMounts!.map((m) => [m.mountPath, m]));
        const env = loadConfig(environment(objects, container));
        // Every place the hub writes or reads its own files is a volume: the keys (read-only), the
        // witness (the services: they write the access log), the trusted issuers, /tmp.
        expect(mounts.get(env.SECRETS_DIR)).toMatchObject({ readOnly: true });
        expect(mounts.has('/tmp')).toBe(true);
        if (workload.kind === 'Deployment') {
          expect(mounts.has(env.AUDIT_WITNESS_DIR)).toBe(true);
          expect(mounts.get(path.dirname(env.TRUSTED_ISSUERS_FILE!))).toMatchObject({ readOnly: true });
        }
        for (const mount of mounts.values()) expect(pod.volumes!.map((v) => v.name)).toContain(mount.name);
      }
      for (const volume of pod.volumes ?? []) if (volume.persistentVolumeClaim) expect(claims).toContain(volume.persistentVolumeClaim.claimName);
    }
  });

  it('commits no secret: every Secret and ConfigMap a pod uses is in the build or provided, as documented, elsewhere', () => {
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    const configMaps = new Set(objects.filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name));
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const referenced = new Set<string>();
    for (const workload of workloads(objects)) {
      const pod = workload.spec.template.spec;
      for (const volume of pod.volumes ?? []) {
        if (volume.secret) referenced.add(volume.secret.secretName);
        if (volume.configMap && !configMaps.has(volume.configMap.name)) referenced.add(volume.configMap.name);
      }
      for (const container of pod.containers) {
        for (const variable of container.env ?? []) if (variable.valueFrom?.secretKeyRef) referenced.add(variable.valueFrom.secretKeyRef.name);
        for (const source of container.envFrom ?? []) expect(configMaps).toContain(source.configMapRef!.name);
      }
    }
    for (const name of referenced) {
      expect(Object.keys(PROVIDED_ELSEWHERE)).toContain(name);
      expect({ name, documentedInReadme: readme.includes(name) }).toEqual({ name, documentedInReadme: true });
    }
    // The database URL is the one CloudNativePG writes for this Cluster.
    const cluster = named(objects, 'Cluster', 'frontera-db')!;
    for (const container of podContainers(objects) as Container[]) {
      expect(container.env!.find((e) => e.name === 'DATABASE_URL')!.valueFrom!.secretKeyRef).toEqual({ name: `${cluster.metadata.name}-app`, key: 'uri' });
    }
  });

  it('runs one image everywhere', () => {
    const images = new Set(podContainers(objects).map((c) => c.image));
    expect(images.size).toBe(1);
    const expected: Record<string, string> = { base: 'frontera', 'overlays/demo': 'frontera:0.1.0', 'overlays/production': 'registry.example.org/frontera:0.1.0' };
    expect([...images]).toEqual([expected[build]]);
  });
});

describe('the overlays', () => {
  it('put everything in their namespace and change only what they say', () => {
    expect(new Set(builds.get('overlays/demo')!.map((o) => o.metadata.namespace))).toEqual(new Set(['frontera-demo']));
    expect(new Set(builds.get('overlays/production')!.map((o) => o.metadata.namespace))).toEqual(new Set(['frontera']));
    const demo = builds.get('overlays/demo')!;
    expect(named<KubernetesObject & { data: Labels }>(demo, 'ConfigMap', 'frontera-config')!.data).toMatchObject({ LOCAL_ISSUER: 'true' });
    expect(named<KubernetesObject & { spec: { instances: number } }>(demo, 'Cluster', 'frontera-db')!.spec.instances).toBe(1);
    const production = builds.get('overlays/production')!;
    expect(named<KubernetesObject & { data: Labels }>(production, 'ConfigMap', 'frontera-config')!.data.LOCAL_ISSUER).toBeUndefined();
    for (const deployment of deployments(production)) expect(deployment.spec.replicas).toBe(deployment.metadata.name === 'gateway' ? undefined : 2);
  });
});
