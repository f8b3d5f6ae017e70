import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyJsonPatch, renderKustomization } from './render';

describe('applyJsonPatch (RFC 6902 add, replace, remove)', () => {
  const document = { spec: { replicas: 1, list: ['a', 'b'], 'a/b': { '~c': 1 } } };

  it('adds to an object, inserts into and appends to an array', () => {
    expect(applyJsonPatch(document, [{ op: 'add', path: '/spec/extra', value: { x: 1 } }])).toEqual({ spec: { ...document.spec, extra: { x: 1 } } });
    expect(applyJsonPatch(document, [{ op: 'add', path: '/spec/list/1', value: 'new' }])).toEqual({ spec: { ...document.spec, list: ['a', 'new', 'b'] } });
    expect(applyJsonPatch(document, [{ op: 'add', path: '/spec/list/-', value: 'c' }])).toEqual({ spec: { ...document.spec, list: ['a', 'b', 'c'] } });
  });

  it('replaces and removes what exists, in order, on a copy', () => {
    const patched = applyJsonPatch(document, [
      { op: 'replace', path: '/spec/replicas', value: 3 },
      { op: 'remove', path: '/spec/list/0' },
      { op: 'replace', path: '/spec/a~1b/~0c', value: 2 },
    ]);
    expect(patched).toEqual({ spec: { replicas: 3, list: ['b'], 'a/b': { '~c': 2 } } });
    expect(document.spec.replicas).toBe(1);
  });

  it('refuses what does not exist, indexes out of range and unsupported operations', () => {
    expect(() => applyJsonPatch(document, [{ op: 'replace', path: '/spec/missing', value: 1 }])).toThrow('nothing to replace');
    expect(() => applyJsonPatch(document, [{ op: 'remove', path: '/spec/missing' }])).toThrow('nothing to remove');
    expect(() => applyJsonPatch(document, [{ op: 'add', path: '/nope/x', value: 1 }])).toThrow('"nope" does not exist');
    expect(() => applyJsonPatch(document, [{ op: 'replace', path: '/spec/list/2', value: 1 }])).toThrow('out of range');
    expect(() => applyJsonPatch(document, [{ op: 'add', path: '/spec/list/x', value: 1 }])).toThrow('not an array index');
    expect(() => applyJsonPatch(document, [{ op: 'move' as 'add', path: '/spec/replicas' }])).toThrow('not supported');
  });
});

describe('renderKustomization', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'frontera-render-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  };
  const deployment = (name: string, image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 1
  template:
    spec:
      initContainers:
        - name: init
          image: ${image}
      containers:
        - name: main
          image: ${image}
`;

  it('renders resources (files and folders), then patches, replicas, images and namespace', () => {
    write('base/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [app.yaml]\n');
    write('base/app.yaml', `${deployment('app', 'frontera')}---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: elsewhere\n`);
    write('overlay/kustomization.yaml', `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: prod
resources: [../base, extra.yaml]
images:
  - name: frontera
    newName: registry.example.org:5000/frontera
    newTag: "1.2"
replicas:
  - name: app
    count: 3
patches:
  - target: { kind: ConfigMap, name: extra }
    patch: |-
      - op: add
        path: /data/B
        value: "2"
`);
    write('overlay/extra.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\ndata:\n  A: "1"\n');
    const objects = renderKustomization(path.join(dir, 'overlay'));
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}/${o.metadata.namespace}`)).toEqual(['Deployment/app/prod', 'Namespace/elsewhere/undefined', 'ConfigMap/extra/prod']);
    const app = objects[0] as unknown as { spec: { replicas: number; template: { spec: { containers: { image: string }[]; initContainers: { image: string }[] } } } };
    expect(app.spec.replicas).toBe(3);
    expect(app.spec.template.spec.containers[0].image).toBe('registry.example.org:5000/frontera:1.2');
    expect(app.spec.template.spec.initContainers[0].image).toBe('registry.example.org:5000/frontera:1.2');
    expect(objects[2].data).toEqual({ A: '1', B: '2' });
  });

  it('matches an image by name whatever its tag or registry port, and pins a digest instead of a tag', () => {
    write('kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml, b.yaml]\nimages:\n  - name: localhost:5000/frontera\n    digest: sha256:abc\n');
    write('a.yaml', deployment('a', 'localhost:5000/frontera:0.1.0'));
    write('b.yaml', deployment('b', 'localhost:5000/other:0.1.0'));
    const [a, b] = renderKustomization(dir) as unknown as { spec: { template: { spec: { containers: { image: string }[] } } } }[];
    expect(a.spec.template.spec.containers[0].image).toBe('localhost:5000/frontera@sha256:abc');
    expect(b.spec.template.spec.containers[0].image).toBe('localhost:5000/other:0.1.0');
  });

  it('refuses what it does not implement, and targets that match nothing', () => {
    write('kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\ncommonLabels: { a: b }\n');
    expect(() => renderKustomization(dir)).toThrow('commonLabels not supported');
    write('kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\npatches:\n  - target: { kind: Deployment, name: b }\n    patch: "[]"\n');
    write('a.yaml', deployment('a', 'frontera'));
    expect(() => renderKustomization(dir)).toThrow('Deployment/b matches 0 objects');
    write('kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\nimages:\n  - name: other\n    newTag: "1"\n');
    expect(() => renderKustomization(dir)).toThrow('image other is used by no container');
    write('kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [missing.yaml]\n');
    expect(() => renderKustomization(dir)).toThrow('resource missing.yaml does not exist');
  });
});
