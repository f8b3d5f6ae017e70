// Validates Kubernetes objects against the API schemas kubernetes-models (pinned in package.json)
// was generated from: Kubernetes v1.36.0's OpenAPI, merged with older releases' removed APIs.
// An ES module because kubernetes-models is one (jest runs the hub's tests as CommonJS), so
// deploy/kubernetes/manifests.test.ts runs it as a child process:
//   node deploy/kubernetes/validate-schemas.mjs < objects.json
// Reads a JSON array of objects on stdin; writes one result per object on stdout:
//   { kind, name, status: 'valid' | 'invalid' | 'no-schema', errors? }
// `no-schema`: kubernetes-models has no class for the apiVersion/kind (a custom resource such as
// CloudNativePG's Cluster), which the caller checks in its own way.

/** `apps/v1` → `kubernetes-models/apps/v1`; `v1` (the core group) → `kubernetes-models/v1`. */
async function modelClass(apiVersion, kind) {
  try {
    const models = await import(`kubernetes-models/${apiVersion}`);
    return models[kind];
  } catch (error) {
    if (error?.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED' || error?.code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}

let input = '';
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const object of JSON.parse(input)) {
  const Model = await modelClass(object.apiVersion, object.kind);
  const result = { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata?.name };
  if (!Model) {
    results.push({ ...result, status: 'no-schema' });
    continue;
  }
  try {
    new Model(object).validate();
    results.push({ ...result, status: 'valid' });
  } catch (error) {
    results.push({ ...result, status: 'invalid', errors: String(error.message ?? error) });
  }
}
process.stdout.write(JSON.stringify(results));
