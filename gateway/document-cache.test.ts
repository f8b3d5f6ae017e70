import { parse } from 'graphql';
import { perDocument, perDocumentAnd, perDocumentText } from './document-cache';

describe('perDocument', () => {
  it('computes once per document object, and again for another document of the same text', () => {
    let calls = 0;
    const names = perDocument((document) => {
      calls += 1;
      return document.definitions.length;
    });
    const a = parse('{ a }');
    expect([names(a), names(a), names(a)]).toEqual([1, 1, 1]);
    expect(calls).toBe(1);
    names(parse('{ a }'));
    expect(calls).toBe(2);
  });

  it('keeps a falsy result as cached as any other', () => {
    let calls = 0;
    const none = perDocument(() => (calls += 1) && null);
    const document = parse('{ a }');
    none(document);
    none(document);
    expect(calls).toBe(1);
  });
});

describe('perDocumentAnd', () => {
  it('computes once per document and key, and forgets the least recently used key beyond max', () => {
    const seen: string[] = [];
    const value = perDocumentAnd((_document, key) => {
      seen.push(key);
      return key.length;
    }, 2);
    const document = parse('{ a }');
    value(document, 'x');
    value(document, 'x');
    value(document, 'yy');
    value(document, 'zzz');
    value(document, 'x');
    expect(seen).toEqual(['x', 'yy', 'zzz', 'x']);
  });
});

describe('perDocumentText', () => {
  it('computes once per exact text, and keeps at most maxChars of text', () => {
    const seen: string[] = [];
    const value = perDocumentText((text) => {
      seen.push(text);
      return text.toUpperCase();
    }, 2 * (64 + 5));
    expect(value('{ a }')).toBe('{ A }');
    value('{ a }');
    value('{ a}');
    expect(seen).toEqual(['{ a }', '{ a}']);
    // A third text pushes out the least recently used one.
    value('{ b }');
    value('{ a }');
    expect(seen).toEqual(['{ a }', '{ a}', '{ b }', '{ a }']);
  });
});
