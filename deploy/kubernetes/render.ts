import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

/**
 * The small part of kustomize that deploy/kubernetes/ uses, to render it offline in a test
 * (kustomize is not installed where the manifests are checked). A kustomization may hold only:
 *   resources   YAML files, or folders with a kustomization.yaml (rendered first)
 *   namespace   set on every namespaced object
 *   images      `{name, newName?, newTag?, digest?}`: containers whose image is `name` (any tag)
 *   replicas    `{name, count}`: `spec.replicas` of the Deployment of that name
 *   patches     JSON6902 operations (add, replace, remove) inline in `patch`, on `target` {kind, name}
 * Anything else is refused, never ignored, so a render here and `kubectl apply -k` agree.
 */

/** A Kubernetes object as it will be applied. */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [field: string]: unknown };
  [field: string]: unknown;
}

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  resources?: string[];
  namespace?: string;
  images?: { name: string; newName?: string; newTag?: string; digest?: string }[];
  replicas?: { name: string; count: number }[];
  patches?: { target: { kind: string; name: string }; patch: string }[];
}

const SUPPORTED = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'images', 'replicas', 'patches']);

/** Kinds with no namespace among those a kustomization here could hold. */
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PersistentVolume', 'StorageClass', 'PriorityClass']);

/** Renders the kustomization in `dir`: its objects, transformed, in resource order. */
export function renderKustomization(dir: string): KubernetesObject[] {
  const file = path.join(dir, 'kustomization.yaml');
  const kustomization = parse(readFileSync(file, 'utf8')) as Kustomization;
  const unsupported = Object.keys(kustomization).filter((key) => !SUPPORTED.has(key));
  if (unsupported.length) throw new Error(`${file}: ${unsupported.join(', ')} not supported by this renderer (see deploy/kubernetes/render.ts)`);
  if (kustomization.kind !== 'Kustomization') throw new Error(`${file}: kind must be Kustomization`);

  const objects: KubernetesObject[] = [];
  for (const resource of kustomization.resources ?? []) {
    const location = path.join(dir, resource);
    if (!existsSync(location)) throw new Error(`${file}: resource ${resource} does not exist`);
    objects.push(...(statSync(location).isDirectory() ? renderKustomization(location) : readObjects(location)));
  }
  for (const { target, patch } of kustomization.patches ?? []) {
    const matches = objects.filter((o) => o.kind === target.kind && o.metadata.name === target.name);
    if (matches.length !== 1) throw new Error(`${file}: patch target ${target.kind}/${target.name} matches ${matches.length} objects`);
    const index = objects.indexOf(matches[0]);
    objects[index] = applyJsonPatch(matches[0], parse(patch) as JsonPatchOperation[]) as KubernetesObject;
  }
  for (const { name, count } of kustomization.replicas ?? []) {
    const deployments = objects.filter((o) => o.kind === 'Deployment' && o.metadata.name === name);
    if (deployments.length !== 1) throw new Error(`${file}: replicas for ${name} matches ${deployments.length} Deployments`);
    (deployments[0].spec as { replicas?: number }).replicas = count;
  }
  for (const image of kustomization.images ?? []) {
    let used = false;
    for (const container of podContainers(objects)) {
      if (imageName(container.image) !== image.name) continue;
      used = true;
      const tag = image.newTag ?? imageTag(container.image);
      container.image = `${image.newName ?? image.name}${image.digest ? `@${image.digest}` : tag ? `:${tag}` : ''}`;
    }
    if (!used) throw new Error(`${file}: image ${image.name} is used by no container`);
  }
  if (kustomization.namespace) {
    for (const object of objects) if (!CLUSTER_SCOPED.has(object.kind)) object.metadata.namespace = kustomization.namespace;
  }
  return objects;
}

function readObjects(file: string): KubernetesObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((document) => {
    if (document.errors.length) throw new Error(`${file}: ${document.errors[0].message}`);
    const object = document.toJS() as KubernetesObject;
    if (!object?.apiVersion || !object.kind || !object.metadata?.name) throw new Error(`${file}: a document without apiVersion, kind or metadata.name`);
    return object;
  });
}

/** Every container (init containers too) of every pod template (Deployment, Job, …). */
export function podContainers(objects: KubernetesObject[]): { name: string; image: string; [field: string]: unknown }[] {
  return objects.flatMap((object) => {
    const pod = (object.spec as { template?: { spec?: { containers?: []; initContainers?: [] } } } | undefined)?.template?.spec;
    return [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])];
  });
}

/** `registry:5000/frontera:1.0@sha256:…` → `registry:5000/frontera` (a port is not a tag). */
function imageName(image: string): string {
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  return colon < 0 ? withoutDigest : withoutDigest.slice(0, colon);
}

function imageTag(image: string): string | undefined {
  const name = imageName(image);
  const rest = image.split('@')[0].slice(name.length);
  return rest.startsWith(':') ? rest.slice(1) : undefined;
}

/** One RFC 6902 operation of the kinds the overlays use. */
export interface JsonPatchOperation {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

/** Applies `operations` (RFC 6902 add, replace, remove) to a copy of `document`, in order. */
export function applyJsonPatch(document: unknown, operations: JsonPatchOperation[]): unknown {
  const result = structuredClone(document);
  for (const { op, path: pointer, value } of operations) {
    if (!['add', 'replace', 'remove'].includes(op)) throw new Error(`JSON patch: op "${op}" not supported (add, replace, remove)`);
    const tokens = parsePointer(pointer);
    const key = tokens.pop();
    if (key === undefined) throw new Error('JSON patch: the whole document cannot be patched here');
    let parent: unknown = result;
    for (const token of tokens) {
      parent = child(parent, token, pointer);
    }
    if (Array.isArray(parent)) {
      const index = key === '-' && op === 'add' ? parent.length : arrayIndex(key, pointer);
      const bound = op === 'add' ? parent.length : parent.length - 1;
      if (index > bound) throw new Error(`JSON patch: ${pointer}: index ${index} out of range`);
      if (op === 'add') parent.splice(index, 0, structuredClone(value));
      else if (op === 'replace') parent[index] = structuredClone(value);
      else parent.splice(index, 1);
    } else if (parent !== null && typeof parent === 'object') {
      const record = parent as Record<string, unknown>;
      if (op !== 'add' && !(key in record)) throw new Error(`JSON patch: ${pointer}: nothing to ${op}`);
      if (op === 'remove') delete record[key];
      else record[key] = structuredClone(value);
    } else {
      throw new Error(`JSON patch: ${pointer}: the parent is not an object or an array`);
    }
  }
  return result;
}

function parsePointer(pointer: string): string[] {
  if (!pointer.startsWith('/')) throw new Error(`JSON patch: "${pointer}" is not a JSON pointer`);
  return pointer.slice(1).split('/').map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function arrayIndex(token: string, pointer: string): number {
  if (!/^(0|[1-9]\d*)$/.test(token)) throw new Error(`JSON patch: ${pointer}: "${token}" is not an array index`);
  return Number(token);
}

function child(parent: unknown, token: string, pointer: string): unknown {
  const next = Array.isArray(parent) ? parent[arrayIndex(token, pointer)] : parent !== null && typeof parent === 'object' ? (parent as Record<string, unknown>)[token] : undefined;
  if (next === undefined) throw new Error(`JSON patch: ${pointer}: "${token}" does not exist`);
  return next;
}
