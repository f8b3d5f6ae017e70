import type { DocumentNode } from 'graphql';
import persisted from '../gql/persisted-documents.json';

/**
 * The operations registered for the console, by name: the id (SHA-256 of the body) the hub knows
 * them by, and the exact body, from the persisted documents codegen wrote (the same file the
 * build turns into the console's manifest).
 */
const byName = new Map(
  Object.entries(persisted as Record<string, string>).map(([key, body]) => [
    /^\s*(?:query|mutation|subscription)\s+(\w+)/.exec(body)![1],
    // codegen writes `sha256:<hex>`; the hub knows the hex alone.
    { id: key.replace(/^sha256:/, ''), body },
  ]),
);

function registered(document: DocumentNode): { id: string; body: string } {
  const operation = document.definitions.find((d) => d.kind === 'OperationDefinition');
  const name = operation && 'name' in operation ? operation.name?.value : undefined;
  const found = name ? byName.get(name) : undefined;
  // A document the build did not see would be refused by the hub under TRUSTED_DOCUMENTS=enforce.
  if (!found) throw new Error(`Operation ${name ?? '(anonymous)'} is not in the console's persisted documents: run npm run console:build`);
  return found;
}

/** The persisted-query id of a document (PersistedQueryLink's `generateHash`). */
export const registeredId = (document: DocumentNode): string => registered(document).id;

/**
 * The registered text of a document, sent only when the hub asks for it (automatic persisted
 * queries with TRUSTED_DOCUMENTS=off): byte for byte the body whose SHA-256 is the id.
 */
export const registeredBody = (document: DocumentNode): string => registered(document).body;
