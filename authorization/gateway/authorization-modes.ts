import type { DocumentNode, GraphQLFormattedError } from 'graphql';
import { TYPENAME_MARKER, type AuthorizationResult, type DeniedField } from './authorize';
import { ErrorCode } from '../../platform/errors';


/** How the gateway acts on denied selections (configuration value). */
export const AUTHORIZATION_MODES = ['filter', 'reject', 'dry-run'] as const;
export type AuthorizationMode = (typeof AUTHORIZATION_MODES)[number];

/** What the gateway does with one operation, whatever the mode. */
export interface AuthorizationDecision {
  /** The operation is refused: answer `{ errors }` and execute nothing. */
  readonly rejected: boolean;
  /** Document to plan and execute; `null` when rejected. */
  readonly document: DocumentNode | null;
  /** Answer without planning: data is `applyDeniedNulls({}, denied)`. */
  readonly nothingToExecute: boolean;
  /** Errors to add to the response. */
  readonly errors: readonly GraphQLFormattedError[];
  /** Run `applyDeniedNulls` on the executed data before answering. */
  readonly nullDenied: boolean;
  /** Denied selections, for the access event and logs in every mode. */
  readonly denied: readonly DeniedField[];
}

/**
 * One error per denied path (duplicates, e.g. the same key denied under two type conditions, are
 * merged), shaped like Apollo's router's. The failing rule is left out: it names policies and scopes
 * that are for the audit log, not for the caller.
 */
export function unauthorizedErrors(denied: readonly DeniedField[]): GraphQLFormattedError[] {
  const seen = new Set<string>();
  const errors: GraphQLFormattedError[] = [];
  for (const { path } of denied) {
    const key = JSON.stringify(path);
    if (seen.has(key)) continue;
    seen.add(key);
    errors.push({ message: 'Unauthorized field or type', path: [...path], extensions: { code: ErrorCode.UNAUTHORIZED_FIELD_OR_TYPE } });
  }
  return errors;
}

/**
 * Turns an authorization result into what the gateway does:
 * - `filter`: execute the filtered document, answer denied paths as null with one error each;
 * - `reject`: if anything was denied, refuse the whole operation with one error per denied path;
 * - `dry-run`: execute the original document unchanged and only report `denied` for logging.
 */
export function applyMode(mode: AuthorizationMode, result: AuthorizationResult): AuthorizationDecision {
  const { denied } = result;
  if (denied.length === 0 || mode === 'dry-run') {
    return { rejected: false, document: result.original, nothingToExecute: false, errors: [], nullDenied: false, denied };
  }
  if (mode === 'reject') {
    return { rejected: true, document: null, nothingToExecute: false, errors: unauthorizedErrors(denied), nullDenied: false, denied };
  }
  return {
    rejected: false,
    document: result.document,
    nothingToExecute: result.nothingToExecute,
    errors: unauthorizedErrors(denied),
    nullDenied: true,
    denied,
  };
}

type ResponseObject = Record<string, unknown>;

function isObject(value: unknown): value is ResponseObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads the runtime type the filter asked for under `TYPENAME_MARKER` and removes the marker from the
 * response; remembered so several denied paths through one object all see it.
 */
function takeTypename(object: ResponseObject, seen: WeakMap<ResponseObject, string>): string | undefined {
  const marker = object[TYPENAME_MARKER];
  if (typeof marker === 'string') {
    seen.set(object, marker);
    delete object[TYPENAME_MARKER];
    return marker;
  }
  const typename = seen.get(object) ?? object.__typename;
  return typeof typename === 'string' ? typename : undefined;
}

/**
 * Walks one denied path from `object` (the holder of `path[index]`) and inserts the null.
 * Returns true when `object` itself must become null (a null reached a non-null position),
 * which is GraphQL's null propagation.
 */
function insertNull(object: ResponseObject, denied: DeniedField, index: number, seen: WeakMap<ResponseObject, string>): boolean {
  const typename = takeTypename(object, seen);
  const { type, onTypes } = denied.segments[index];
  // Under a type condition the field was never asked of objects of other types.
  if (onTypes && (typename === undefined || !onTypes.includes(typename))) return false;
  const key = denied.path[index];
  const nonNull = type.endsWith('!');
  if (index === denied.path.length - 1) {
    // A value present here came from another, authorized selection of the same key.
    if (object[key] !== undefined && object[key] !== null) return false;
    object[key] = null;
    return nonNull;
  }
  const value = object[key];
  if (value === undefined || value === null) return false;
  if (settle(value, type, denied, index + 1, seen)) {
    object[key] = null;
    return nonNull;
  }
  return false;
}

/** Applies the next path step to every element of (nested) lists; true when `value` must become null. */
function settle(value: unknown, type: string, denied: DeniedField, next: number, seen: WeakMap<ResponseObject, string>): boolean {
  const nullable = type.endsWith('!') ? type.slice(0, -1) : type;
  if (nullable.startsWith('[') && Array.isArray(value)) {
    const itemType = nullable.slice(1, -1);
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item === null || item === undefined) continue;
      if (settle(item, itemType, denied, next, seen)) {
        value[i] = null;
        if (itemType.endsWith('!')) return true;
      }
    }
    return false;
  }
  return isObject(value) && insertNull(value, denied, next, seen);
}

/**
 * After executing a filtered document, puts `null` at every denied path of the response data (in
 * place) so clients receive the shape they asked for: a path under a list applies to every element,
 * a path under a type condition only to objects of that type, and a null in a non-null position
 * propagates to the nearest nullable parent as GraphQL execution would. Also removes the
 * `TYPENAME_MARKER` fields the filter added. Returns the data, or `null` when propagation reached it.
 */
export function applyDeniedNulls(data: ResponseObject | null | undefined, denied: readonly DeniedField[]): ResponseObject | null {
  if (!data) return null;
  const seen = new WeakMap<ResponseObject, string>();
  for (const entry of denied) {
    if (insertNull(data, entry, 0, seen)) return null;
  }
  return data;
}
