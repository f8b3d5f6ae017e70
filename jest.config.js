/**
 * Two projects, told apart by where a test file sits:
 *   integration  test/**  and each partner's test (subgraphs/partners/**): real PostgreSQL, subgraphs
 *                and the gateway over HTTP (test/harness.ts); test/global-setup.ts starts and seeds
 *                the database once per run.
 *   unit         every other *.test.ts, next to its module: pure, no database, no globalSetup.
 * A test that needs the database goes in test/ (or is a partner's test under subgraphs/partners/).
 * `npm test` runs both; `npm run test:unit` (jest --selectProjects unit) runs the unit project only.
 */
// No test may let @apollo/gateway call home (gateway/apollo-gateway.ts sets it for the hub; the
// unit tests that build an ApolloGateway directly rely on this). Workers inherit it.
process.env.APOLLO_TELEMETRY_DISABLED = 'true';

const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
};

const INTEGRATION_DIRS = ['<rootDir>/test/', '<rootDir>/subgraphs/partners/'];

const shared = {
  rootDir: __dirname,
  roots: ['<rootDir>'],
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
};

module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...INTEGRATION_DIRS],
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: INTEGRATION_DIRS.map((dir) => `${dir}**/*.test.ts`),
      // The partner template is tested through each partner scaffolded from it (test/partner-onboarding.test.ts).
      testPathIgnorePatterns: ['/node_modules/', '/subgraphs/partners/template/'],
      globalSetup: '<rootDir>/test/global-setup.ts',
      globalTeardown: '<rootDir>/test/global-teardown.ts',
    },
  ],
  testTimeout: 60000,
  maxWorkers: 2,
};
