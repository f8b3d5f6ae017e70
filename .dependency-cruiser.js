/**
 * The layering rule (README, "Architecture"), checked by `npm run lint:layers` in CI.
 * Layers, lowest first; a module may import only its own layer or a lower one:
 *   platform   config reader, logs, HTTP serving, database, secrets, error codes: no domain
 *   contracts  what the gateway and the subgraphs both speak: identity, the access-log core,
 *              the named policies
 *   gateway | subgraphs   the two sides, which never import each other
 *   root       the composition root: start-up, catalogue, CLIs, schema composition
 * Tests, fixtures, the benchmark and the deployment checks (deploy/) sit above everything and nothing imports them.
 * The web console (console/) is a client of the API like any other: it imports only itself and
 * npm packages, and nothing imports it (the gateway serves its build, never its source).
 */
const PLATFORM = '^platform/';
const CONTRACTS = '^(identity/(?!cli/)|access-log/[^/]+$|authorization/[^/]+$)';
const GATEWAY = '^(gateway/|access-log/gateway/|authorization/gateway/)';
const SUBGRAPHS = '^(subgraphs/|access-log/read-api/|authorization/subgraph/)';
const ROOT = '^(hub/|identity/cli/|access-log/cli/|schema/)';
const TESTS = '(^test/|\\.test\\.ts$|\\.fixture\\.ts$)';
const CONSOLE = '^console/';
const LAYERED = `${PLATFORM}|${CONTRACTS}|${GATEWAY}|${SUBGRAPHS}|${ROOT}|${TESTS}|^bench/|^deploy/|${CONSOLE}`;
/** The repository's own configuration files (jest, this file). */
const TOOLING = '^[^/]+\\.js$';

const layer = (name, from, allowed) => ({
  name,
  severity: 'error',
  comment: `${name}: may import only ${allowed.join(', ')}`,
  from: { path: from, pathNot: TESTS },
  to: { dependencyTypesNot: ['core', 'npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-bundled', 'npm-no-pkg', 'unknown'], pathNot: allowed.map((p) => `(${p})`).join('|') },
});

module.exports = {
  forbidden: [
    layer('platform-is-a-leaf', PLATFORM, [PLATFORM]),
    layer('contracts-on-platform-only', CONTRACTS, [PLATFORM, CONTRACTS]),
    layer('gateway-not-on-subgraphs', GATEWAY, [PLATFORM, CONTRACTS, GATEWAY]),
    layer('subgraphs-not-on-gateway', SUBGRAPHS, [PLATFORM, CONTRACTS, SUBGRAPHS]),
    layer('root-not-on-tests', ROOT, [PLATFORM, CONTRACTS, GATEWAY, SUBGRAPHS, ROOT]),
    layer('console-is-a-client', CONSOLE, [CONSOLE]),
    {
      name: 'nothing-imports-the-console',
      severity: 'error',
      comment: 'the console is a separate client built by Vite: the hub serves its build, never imports its source',
      from: { pathNot: CONSOLE },
      to: { path: CONSOLE },
    },
    {
      name: 'nothing-imports-tests-or-bench',
      severity: 'error',
      comment: 'tests, fixtures, the benchmark and the deployment checks are leaves: production code never imports them',
      from: { pathNot: `${TESTS}|^bench/|^deploy/` },
      to: { path: `${TESTS}|^bench/|^deploy/` },
    },
    {
      name: 'no-cycles',
      severity: 'error',
      comment:
        'an import cycle: one of the modules belongs lower, or the shared part in a module of its own. ' +
        'A cycle closed by a type-only import is not one at run time (the two sides of an ORM relation name each other\'s type)',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'every-module-has-a-layer',
      severity: 'error',
      comment: 'a new top-level folder needs a place in the layers above',
      from: { pathNot: `${LAYERED}|${TOOLING}` },
      to: {},
    },
    {
      name: 'every-module-has-a-layer',
      severity: 'error',
      comment: 'a new top-level folder needs a place in the layers above (a module that imports nothing too)',
      from: { orphan: true, pathNot: `${LAYERED}|${TOOLING}` },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: "^(node_modules|dist|\\.frontera)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.json'] },
  },
};
