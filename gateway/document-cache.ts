import type { DocumentNode } from 'graphql';
import { LRUCache } from 'lru-cache';

/**
 * Memoises work on a parsed document. Apollo Server keeps one DocumentNode per distinct query text
 * (its document store, rebuilt with the schema), so what is derived from the document alone is
 * computed on its first request and reused by every later one; a new document (a new query, or a
 * new schema) is computed afresh and the old entries go with it. `args` (the schema, say) are read
 * on the first call only, so they must be fixed for a given document.
 */
export function perDocument<T, Args extends unknown[] = []>(compute: (document: DocumentNode, ...args: Args) => T): (document: DocumentNode, ...args: Args) => T {
  const cache = new WeakMap<DocumentNode, T>();
  return (document, ...args) => {
    if (cache.has(document)) return cache.get(document)!;
    const value = compute(document, ...args);
    cache.set(document, value);
    return value;
  };
}

/**
 * Like {@link perDocument} for work that also depends on a few request values (an operation name,
 * the variables a rule reads): at most `max` keys per document, the least recently used dropped.
 */
export function perDocumentAnd<T extends {}, Args extends unknown[] = []>(
  compute: (document: DocumentNode, key: string, ...args: Args) => T,
  max = 64,
): (document: DocumentNode, key: string, ...args: Args) => T {
  const caches = perDocument(() => new LRUCache<string, T>({ max }));
  return (document, key, ...args) => {
    const cache = caches(document);
    let value = cache.get(key);
    if (value === undefined) {
      value = compute(document, key, ...args);
      cache.set(key, value);
    }
    return value;
  };
}

/**
 * Memoises work on a document's text itself (its hash, say), for what is needed whether or not
 * the document parsed: keyed by the exact text, so two texts never share a value. Bounded by the
 * total length of the texts kept (`maxChars`), since a client may send large, ever-new documents.
 */
export function perDocumentText<T extends {}>(compute: (text: string) => T, maxChars = 4_000_000): (text: string) => T {
  const cache = new LRUCache<string, T>({ maxSize: maxChars, sizeCalculation: (_value, text) => text.length + 64 });
  return (text) => {
    let value = cache.get(text);
    if (value === undefined) {
      value = compute(text);
      cache.set(text, value);
    }
    return value;
  };
}
