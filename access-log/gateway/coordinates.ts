import { Kind, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { perDocumentAnd } from '../../gateway/document-cache';
import type { DeniedPath } from '../event';

/**
 * Schema coordinates (`Type.field`) of every field the executed operation selects, including
 * through the fragments it uses, sorted and once each; `__typename` and introspection are left out.
 * Selections on abstract types are named by the type the selection was written against
 * (`Node.id` for `... on Node { id }`), as the client asked for them.
 */
export function fieldCoordinates(schema: GraphQLSchema, document: DocumentNode, operationName?: string | null): readonly string[] {
  return coordinatesOf(document, operationName ?? '', schema);
}

const coordinatesOf = perDocumentAnd((document: DocumentNode, operationName: string, schema: GraphQLSchema): readonly string[] => {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation) return [];
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  const used = new Set<string>();
  const pending = [operation as OperationDefinitionNode | FragmentDefinitionNode];
  while (pending.length) {
    visit(pending.pop()!, {
      FragmentSpread(spread) {
        const fragment = fragments.get(spread.name.value);
        if (fragment && !used.has(fragment.name.value)) {
          used.add(fragment.name.value);
          pending.push(fragment);
        }
      },
    });
  }
  const coordinates = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  const reachable: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation, ...[...used].map((name) => fragments.get(name)!)] };
  visit(
    reachable,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (parent && !node.name.value.startsWith('__')) coordinates.add(`${parent.name}.${node.name.value}`);
      },
    }),
  );
  return Object.freeze([...coordinates].sort());
});

/** The authorization layer's denied selections (authorization/gateway `DeniedField`) as the event records them. */
export function deniedPaths(denied: readonly { path: readonly string[]; coordinate: string; rule: string }[]): DeniedPath[] {
  return denied.map((d) => ({ path: d.path.join('.'), coordinate: d.coordinate, rule: d.rule }));
}
