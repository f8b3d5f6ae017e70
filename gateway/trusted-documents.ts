import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ApolloServerPlugin, BaseContext, HTTPGraphQLRequest } from '@apollo/server';
import { Kind, parse, print, specifiedRules, validate, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode, type ValidationRule } from 'graphql';
import { documentLimits, inputProblem, operationCost, type OperationLimits } from './limits';
import { codedError, ErrorCode } from '../platform/errors';

/** One operation of an Apollo persisted-query manifest. */
export interface TrustedOperation {
  /** SHA-256 (hex) of `body`, as Apollo's manifest generator writes it. */
  id: string;
  name: string;
  type: 'query' | 'mutation' | 'subscription';
  body: string;
}

/** Thrown at start-up with every problem of every manifest, so they can all be fixed at once. */
export class TrustedDocumentsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid trusted documents:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'TrustedDocumentsError';
  }
}

/** The operations each client registered, by client name (`apollographql-client-name`). */
export interface TrustedDocuments {
  clients(): string[];
  /**
   * The registered operation a request names: by `extensions.persistedQuery.sha256Hash`, or by a
   * `query` equal to a registered body (byte for byte, or once comments and layout are ignored).
   * Throws `OPERATION_NOT_TRUSTED` (HTTP 400) for anything else, saying what was wrong.
   */
  admit(clientName: string | undefined, request: HTTPGraphQLRequest): TrustedOperation;
}

const OPERATION_TYPES = new Set(['query', 'mutation', 'subscription']);
const CLIENT_NAME = /^[\w.-]{1,100}$/;

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

function normalise(body: string, maxTokens: number): string | null {
  try {
    return print(parse(body, { noLocation: true, maxTokens }));
  } catch {
    return null;
  }
}

/** What a manifest entry is checked against: the API schema clients query and the operation limits. */
interface ManifestCheck {
  schema: GraphQLSchema;
  limits: OperationLimits;
  rules: readonly ValidationRule[];
}

/**
 * The first reason `document` could never run at the gateway, or `null`: it does not validate
 * against the API schema or breaks a document limit (depth, aliases, directives, root fields), a
 * string literal is unstorable, a literal `first` is outside 1…MAX_PAGE_SIZE, or it costs more
 * than MAX_COST even with every page size taken from a variable at 1 (the cost with the
 * variables a client actually sends is checked per request, as for any document).
 */
function unrunnable(document: DocumentNode, check: ManifestCheck): string | null {
  const [invalid] = validate(check.schema, document, check.rules);
  if (invalid) return `does not validate against the API schema: ${invalid.message}`;
  const literal = inputProblem(document, undefined);
  if (literal) return literal;
  for (const operation of document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)) {
    const smallest = Object.fromEntries((operation.variableDefinitions ?? []).map((v) => [v.variable.name.value, 1]));
    const { cost, violations } = operationCost(check.schema, document, operation, smallest, check.limits);
    const [first] = violations;
    if (first) return `first must be between 1 and ${check.limits.maxPageSize}; got ${JSON.stringify(first.value) ?? 'nothing'} (${first.coordinate})`;
    if (cost > check.limits.maxCost) return `cost limit of ${check.limits.maxCost} exceeded, found ${Math.ceil(cost)}, with every variable page size at 1`;
  }
  return null;
}

function checkManifest(file: string, raw: unknown, check: ManifestCheck): { operations: TrustedOperation[]; problems: string[] } {
  const { maxTokens } = check.limits;
  const problems: string[] = [];
  const manifest = raw as { format?: unknown; version?: unknown; operations?: unknown };
  if (manifest?.format !== 'apollo-persisted-query-manifest') problems.push(`${file}: format must be "apollo-persisted-query-manifest"`);
  if (manifest?.version !== 1) problems.push(`${file}: version must be 1`);
  if (!Array.isArray(manifest?.operations)) return { operations: [], problems: [...problems, `${file}: operations must be an array of { id, name, type, body }`] };
  const operations: TrustedOperation[] = [];
  manifest.operations.forEach((entry: Partial<TrustedOperation>, i: number) => {
    const where = `${file}: operations[${i}]${typeof entry?.name === 'string' ? ` (${entry.name})` : ''}`;
    const before = problems.length;
    if (typeof entry?.body !== 'string' || !entry.body.trim()) problems.push(`${where}: body must be the operation's text`);
    else if (normalise(entry.body, maxTokens) === null) problems.push(`${where}: body is not a GraphQL document within MAX_TOKENS (${maxTokens})`);
    else if (entry.id !== sha256(entry.body)) problems.push(`${where}: id must be the SHA-256 (hex) of body, ${sha256(entry.body)}`);
    else {
      const problem = unrunnable(parse(entry.body, { noLocation: true, maxTokens }), check);
      if (problem) problems.push(`${where}, id ${entry.id}: ${problem}`);
    }
    if (typeof entry?.name !== 'string' || !entry.name) problems.push(`${where}: name must be the operation's name`);
    if (!OPERATION_TYPES.has(entry?.type as string)) problems.push(`${where}: type must be query, mutation or subscription`);
    if (problems.length === before) operations.push(entry as TrustedOperation);
  });
  return { operations, problems };
}

/**
 * Reads every `<client name>.json` in `dir`, each an Apollo persisted-query manifest
 * (`{ format: "apollo-persisted-query-manifest", version: 1, operations: [{ id, name, type, body }] }`),
 * and checks that every operation could run: it validates against `schema` (the API schema) within
 * `limits` (see `unrunnable`), so a bad manifest stops start-up instead of failing its clients later.
 *
 * @throws TrustedDocumentsError listing every unreadable file and invalid entry, each entry with
 * its file, index, name and id, and for an operation that cannot run, the first reason.
 */
export function loadTrustedDocuments(
  dir: string,
  options: {
    schema: GraphQLSchema;
    limits: OperationLimits;
    /** Manifests registered by the hub itself besides `dir`'s, by client name (the web console's build). */
    manifests?: Record<string, string>;
  },
): TrustedDocuments {
  const { maxTokens } = options.limits;
  const check: ManifestCheck = {
    ...options,
    rules: [...specifiedRules, ...documentLimits(options.limits, { blockFieldSuggestions: false }).validationRules],
  };
  const problems: string[] = [];
  const byClient = new Map<string, { byId: Map<string, TrustedOperation>; byBody: Map<string, TrustedOperation> }>();
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new TrustedDocumentsError([`TRUSTED_DOCUMENTS_DIR ${dir} is not a folder of <client name>.json manifests`]);
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => ({ file: f, client: f.slice(0, -'.json'.length), where: path.join(dir, f) }));
  for (const [client, where] of Object.entries(options.manifests ?? {})) {
    if (files.some((f) => f.client === client)) problems.push(`${client}.json: the hub registers this client's manifest itself (${where}); remove it from TRUSTED_DOCUMENTS_DIR`);
    else files.push({ file: where, client, where });
  }
  for (const { file, client, where } of files) {
    if (!CLIENT_NAME.test(client)) {
      problems.push(`${file}: the file name must be the client's name (letters, digits, _ . -)`);
      continue;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(where, 'utf8'));
    } catch (error) {
      problems.push(`${file}: not valid JSON (${(error as Error).message})`);
      continue;
    }
    const checked = checkManifest(file, raw, check);
    problems.push(...checked.problems);
    const byId = new Map(checked.operations.map((o) => [o.id, o]));
    const byBody = new Map(checked.operations.map((o) => [normalise(o.body, maxTokens)!, o]));
    byClient.set(client, { byId, byBody });
  }
  if (byClient.size === 0 && problems.length === 0) problems.push(`TRUSTED_DOCUMENTS_DIR ${dir} holds no <client name>.json manifest`);
  if (problems.length) throw new TrustedDocumentsError(problems);

  const refuse = (message: string) => codedError(ErrorCode.OPERATION_NOT_TRUSTED, `${message}. Only operations registered for your client are accepted here.`);
  return {
    clients: () => [...byClient.keys()],
    admit(clientName, request) {
      if (!clientName) throw refuse('No apollographql-client-name header');
      const registered = byClient.get(clientName);
      if (!registered) throw refuse(`Client "${clientName.slice(0, 100)}" has no registered operations`);
      const { query, hash } = requestedDocument(request);
      if (typeof hash === 'string') {
        const operation = registered.byId.get(hash);
        if (!operation) throw refuse('This persisted query id is not registered');
        if (typeof query === 'string' && query !== operation.body) throw refuse('The query does not match the registered operation of this id');
        return operation;
      }
      if (typeof query !== 'string' || !query) throw refuse('No persisted query id and no query');
      const operation = registered.byId.get(sha256(query)) ?? registered.byBody.get(normalise(query, maxTokens) ?? '');
      if (!operation) throw refuse('This document is not registered');
      return operation;
    },
  };
}

/**
 * SHA-256 (hex) of the document a request sent, or the persisted-query id it named; `null` for
 * neither. For the access event of a refused request: auditors see what was tried.
 */
export function requestedDocumentHash(request: HTTPGraphQLRequest): string | null {
  const { query, hash } = requestedDocument(request);
  if (typeof query === 'string' && query) return sha256(query);
  return typeof hash === 'string' && /^[0-9a-f]{64}$/.test(hash) ? hash : null;
}

/** `query` and `extensions.persistedQuery.sha256Hash` of a POST body or GET search. */
function requestedDocument(request: HTTPGraphQLRequest): { query: unknown; hash: unknown } {
  if (request.method === 'GET') {
    const search = new URLSearchParams(request.search);
    let extensions: unknown;
    try {
      extensions = JSON.parse(search.get('extensions') ?? 'null');
    } catch {
      extensions = null;
    }
    return { query: search.get('query') ?? undefined, hash: (extensions as PersistedQueryExtensions | null)?.persistedQuery?.sha256Hash };
  }
  const body = request.body as { query?: unknown; extensions?: PersistedQueryExtensions } | undefined;
  return { query: body?.query, hash: body?.extensions?.persistedQuery?.sha256Hash };
}

interface PersistedQueryExtensions {
  persistedQuery?: { sha256Hash?: unknown };
}

/** The part of the gateway context this plugin reads: the operation admitted at the edge. */
export interface TrustedDocumentContext extends BaseContext {
  trustedOperation?: TrustedOperation;
}

/**
 * Runs the registered text of the admitted operation, whatever the client sent (an id, or a body
 * that differs only in layout), and drops the persisted-query extension, so Apollo's own
 * automatic persisted queries are never consulted or filled while documents are enforced.
 */
export function trustedDocumentsPlugin<Context extends TrustedDocumentContext>(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue, request }) {
      const operation = contextValue.trustedOperation;
      if (!operation) return;
      request.query = operation.body;
      if (request.extensions?.persistedQuery) {
        const extensions = { ...request.extensions };
        delete extensions.persistedQuery;
        request.extensions = extensions;
      }
    },
  };
}
