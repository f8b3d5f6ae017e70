import {
  Kind,
  parse,
  print,
  visit,
  type ConstDirectiveNode,
  type ConstValueNode,
  type DocumentNode,
  type SchemaDefinitionNode,
  type SchemaExtensionNode,
} from 'graphql';
import { minimalGroups, requireAll, type AccessRequirement, type Alternatives } from './access-requirement';

/** Access requirements read once from a supergraph, keyed by type name and by field coordinate. */
export interface AccessRules {
  /** Type-level requirements (object, interface, scalar, enum): they apply to every field returning the type. */
  readonly types: ReadonlyMap<string, AccessRequirement>;
  /** Field-level requirements keyed by coordinate, e.g. `Operation.results`. */
  readonly fields: ReadonlyMap<string, AccessRequirement>;
}

type SecurityFeature = 'authenticated' | 'requiresScopes' | 'policy';

/**
 * The security features this engine enforces, with the versions whose semantics it implements.
 * Anything else declared `for: SECURITY` is left for @apollo/gateway to refuse: an unknown security
 * feature must stop start-up rather than be silently unenforced.
 */
const ENFORCED_FEATURES: Readonly<Record<SecurityFeature, readonly string[]>> = {
  authenticated: ['v0.1'],
  requiresScopes: ['v0.1'],
  policy: ['v0.1'],
};

const SPECS_PREFIX = 'https://specs.apollo.dev/';

interface LinkedFeature {
  feature: SecurityFeature;
  version: string;
  /** Name the directive is applied under in this document (without `@`). */
  localName: string;
  directive: ConstDirectiveNode;
}

function stringArgument(directive: ConstDirectiveNode, name: string): string | undefined {
  const argument = directive.arguments?.find((arg) => arg.name.value === name);
  return argument?.value.kind === Kind.STRING ? argument.value.value : undefined;
}

function schemaDirectives(document: DocumentNode): ConstDirectiveNode[] {
  return document.definitions
    .filter((def): def is SchemaDefinitionNode | SchemaExtensionNode =>
      def.kind === Kind.SCHEMA_DEFINITION || def.kind === Kind.SCHEMA_EXTENSION)
    .flatMap((def) => def.directives ?? []);
}

/** The name `@link` itself goes by: a schema may bootstrap the link spec under another name with `as:`. */
function linkDirectiveName(directives: readonly ConstDirectiveNode[]): string {
  for (const directive of directives) {
    const url = stringArgument(directive, 'url');
    if (url?.startsWith(`${SPECS_PREFIX}link/`)) return stringArgument(directive, 'as') ?? directive.name.value;
  }
  return 'link';
}

/**
 * Import entries are either `"@name"` or `{ name: "@name", as: "@alias" }`; returns the local name
 * given to directive `@name`, if imported.
 */
function importedName(directive: ConstDirectiveNode, name: string): string | undefined {
  const imports = directive.arguments?.find((arg) => arg.name.value === 'import')?.value;
  if (imports?.kind !== Kind.LIST) return undefined;
  for (const entry of imports.values) {
    if (entry.kind === Kind.STRING && entry.value === `@${name}`) return name;
    if (entry.kind === Kind.OBJECT) {
      const field = (key: string) => entry.fields.find((f) => f.name.value === key)?.value;
      const entryName = field('name');
      const alias = field('as');
      if (entryName?.kind === Kind.STRING && entryName.value === `@${name}`) {
        return alias?.kind === Kind.STRING ? alias.value.replace(/^@/, '') : name;
      }
    }
  }
  return undefined;
}

/** Links to the security features this engine knows, whatever version they name. */
function securityLinks(document: DocumentNode): LinkedFeature[] {
  const directives = schemaDirectives(document);
  const linkName = linkDirectiveName(directives);
  const links: LinkedFeature[] = [];
  for (const directive of directives) {
    if (directive.name.value !== linkName) continue;
    const url = stringArgument(directive, 'url');
    const match = url && /^https:\/\/specs\.apollo\.dev\/([A-Za-z]+)\/(v\d+\.\d+)\/?$/.exec(url);
    if (!match || !(match[1] in ENFORCED_FEATURES)) continue;
    const feature = match[1] as SecurityFeature;
    // An imported directive goes by its import name (composition writes aliases this way); otherwise
    // the feature's root directive is `@<namespace>`: the link's `as:`, or the feature name.
    const localName = importedName(directive, feature) ?? stringArgument(directive, 'as') ?? feature;
    links.push({ feature, version: match[2], localName, directive });
  }
  return links;
}

/**
 * Reads the `scopes:`/`policies:` argument with GraphQL input coercion for `[[String!]!]!`:
 * a bare string is one group of one, and a flat list is a list of one-item groups (an OR).
 */
function alternativesArgument(directive: ConstDirectiveNode, name: string, where: string): Alternatives {
  const value = directive.arguments?.find((arg) => arg.name.value === name)?.value;
  const text = (item: ConstValueNode): string => {
    if (item.kind !== Kind.STRING) {
      throw new Error(`@${directive.name.value} on ${where}: ${name} must contain strings only, got ${print(item)}`);
    }
    return item.value;
  };
  if (!value) throw new Error(`@${directive.name.value} on ${where} has no ${name}: argument`);
  if (value.kind !== Kind.LIST) return [[text(value)]];
  return minimalGroups(value.values.map((group) => (group.kind === Kind.LIST ? group.values.map(text) : [text(group)])));
}

/**
 * Extracts the access requirements from a composed supergraph, once at start-up.
 *
 * Every application of `@authenticated`, `@requiresScopes` and `@policy` (under the names the
 * supergraph's `@link`s give them) on a type or field is read; several applications on one element,
 * e.g. one per subgraph in a hand-merged supergraph, are ANDed. Composition already ANDs the
 * subgraphs' directives into one application, so both shapes give the same result.
 *
 * @throws when the supergraph links an unsupported version of one of these features, or a directive
 *   argument is malformed: enforcing rules the engine does not understand would be guesswork.
 */
export function extractAccessRules(supergraph: string | DocumentNode): AccessRules {
  const document = typeof supergraph === 'string' ? parse(supergraph) : supergraph;
  const byLocalName = new Map<string, SecurityFeature>();
  for (const link of securityLinks(document)) {
    if (!ENFORCED_FEATURES[link.feature].includes(link.version)) {
      throw new Error(
        `Supergraph links ${SPECS_PREFIX}${link.feature}/${link.version}; the gateway enforces only ` +
          `${ENFORCED_FEATURES[link.feature].join(', ')} of that feature`,
      );
    }
    byLocalName.set(link.localName, link.feature);
  }

  const types = new Map<string, AccessRequirement>();
  const fields = new Map<string, AccessRequirement>();
  const record = (target: Map<string, AccessRequirement>, key: string, directives: readonly ConstDirectiveNode[] | undefined) => {
    for (const directive of directives ?? []) {
      const feature = byLocalName.get(directive.name.value);
      if (!feature) continue;
      const requirement: AccessRequirement = {
        authenticated: feature === 'authenticated',
        scopes: feature === 'requiresScopes' ? alternativesArgument(directive, 'scopes', key) : null,
        policies: feature === 'policy' ? alternativesArgument(directive, 'policies', key) : null,
      };
      const previous = target.get(key);
      target.set(key, previous ? requireAll(previous, requirement) : requirement);
    }
  };

  if (byLocalName.size === 0) return { types, fields };
  for (const definition of document.definitions) {
    switch (definition.kind) {
      case Kind.OBJECT_TYPE_DEFINITION:
      case Kind.OBJECT_TYPE_EXTENSION:
      case Kind.INTERFACE_TYPE_DEFINITION:
      case Kind.INTERFACE_TYPE_EXTENSION:
        record(types, definition.name.value, definition.directives);
        for (const field of definition.fields ?? []) {
          record(fields, `${definition.name.value}.${field.name.value}`, field.directives);
        }
        break;
      case Kind.SCALAR_TYPE_DEFINITION:
      case Kind.SCALAR_TYPE_EXTENSION:
      case Kind.ENUM_TYPE_DEFINITION:
      case Kind.ENUM_TYPE_EXTENSION:
        record(types, definition.name.value, definition.directives);
        break;
      default:
        break;
    }
  }
  return { types, fields };
}

/**
 * Returns the supergraph SDL that @apollo/gateway accepts: the gateway refuses any `for: SECURITY`
 * feature it does not implement ("feature ... is for: SECURITY but is unsupported"), and it implements
 * none of the authorization features. The purpose is removed only from the links this engine enforces;
 * directives and their definitions stay, so the schema remains valid and the rules readable.
 */
export function stripSecurityLinks(supergraphSdl: string): string {
  const document = parse(supergraphSdl);
  const enforced = new Set(
    securityLinks(document)
      .filter((link) => ENFORCED_FEATURES[link.feature].includes(link.version))
      .map((link) => link.directive),
  );
  if (enforced.size === 0) return supergraphSdl;
  const stripped = visit(document, {
    Directive(node) {
      if (!enforced.has(node as ConstDirectiveNode)) return undefined;
      return { ...node, arguments: node.arguments?.filter((arg) => arg.name.value !== 'for') };
    },
  });
  return print(stripped);
}
