import type { CodegenConfig } from '@graphql-codegen/cli';
import { addTypenameSelectionDocumentTransform } from '@graphql-codegen/client-preset';

/**
 * Typed documents from the API contract, the schema every client of the hub builds against.
 * `persistedDocuments` writes `persisted-documents.json` (SHA-256 id → body), which the Vite build
 * turns into the console's trusted-document manifest. `__typename` is added to every selection
 * here, so the registered text is what Apollo Client's cache needs and it never rewrites a query.
 */
const config: CodegenConfig = {
  schema: 'schema/api-contract.graphql',
  documents: ['console/src/**/*.{ts,tsx}', '!console/src/gql/**'],
  ignoreNoDocuments: false,
  generates: {
    'console/src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false, persistedDocuments: { hashAlgorithm: 'sha256' } },
      documentTransforms: [addTypenameSelectionDocumentTransform],
      config: { enumsAsTypes: true, useTypeImports: true, scalars: { DateTimeISO: 'string', LocalDate: 'string', CountryCode: 'string' } },
    },
  },
};

export default config;
