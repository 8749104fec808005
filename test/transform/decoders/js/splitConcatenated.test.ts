import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../../lake/errors.ts';
import { splitConcatenated } from '../../../../transform/decoders/js/splitConcatenated.ts';

describe('splitConcatenated', () => {
  it('splits documents written back to back', () => {
    expect(splitConcatenated('{"a":1}{"b":2}{"c":[1,{"d":3}]}')).toEqual([
      '{"a":1}',
      '{"b":2}',
      '{"c":[1,{"d":3}]}',
    ]);
  });

  it('never splits inside a string holding }{, quotes or escaped backslashes', () => {
    const docs = [
      { m: 'echo "}{" }{' },
      { m: 'ends with backslash \\' },
      { m: '\\"}{\\"' },
      { m: '{"nested":"}{"}' },
    ];
    const text = docs.map((d) => JSON.stringify(d)).join('');
    const parts = splitConcatenated(text);
    expect(parts.map((p) => JSON.parse(p))).toEqual(docs);
  });

  it('skips whitespace and newlines between documents', () => {
    expect(splitConcatenated(' {"a":1}\n{"b":2}\r\n\t{"c":3} ')).toHaveLength(3);
  });

  it('returns nothing for empty text', () => {
    expect(splitConcatenated('')).toEqual([]);
  });

  it('rejects text between documents and unterminated documents', () => {
    expect(() => splitConcatenated('{"a":1}garbage{"b":2}')).toThrow(DecodeError);
    expect(() => splitConcatenated('{"a":1}{"b":')).toThrow(/unterminated/);
    expect(() => splitConcatenated('{"a":"unterminated string}')).toThrow(DecodeError);
  });

  it('agrees with JSON.stringify on random nested documents', () => {
    let seed = 42;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const alphabet = ['{', '}', '"', '\\', '[', ']', 'a', ' ', '\n', '}{'];
    const str = () =>
      Array.from(
        { length: Math.floor(rand() * 12) },
        () => alphabet[Math.floor(rand() * alphabet.length)],
      ).join('');
    const docs = Array.from({ length: 200 }, (_, i) => ({
      i,
      s: str(),
      nested: { t: str(), list: [str(), { u: str() }] },
    }));
    const parts = splitConcatenated(docs.map((d) => JSON.stringify(d)).join(''));
    expect(parts.map((p) => JSON.parse(p))).toEqual(docs);
  });
});
