import { DecodeError } from '../lake/errors.ts';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * Splits JSON documents written back to back (`{…}{…}`, possibly with whitespace between) into
 * their source slices. It knows strings and escapes, so a `}{` inside a string never splits a
 * document; it jumps between quotes with `indexOf` rather than stepping through string content.
 * Throws {@link DecodeError} `invalid_json` for text outside a document or an unterminated one.
 */
export function splitConcatenated(text: string): string[] {
  const docs: string[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      i++;
      continue;
    }
    if (c !== OPEN_BRACE && c !== OPEN_BRACKET) {
      throw new DecodeError('invalid_json', 'unexpected text between JSON documents', {
        offset: i,
        document: docs.length,
      });
    }
    const start = i;
    let depth = 0;
    for (; i < n; i++) {
      c = text.charCodeAt(i);
      if (c === QUOTE) {
        i = endOfString(text, i + 1);
        if (i < 0) break;
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        depth++;
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (--depth === 0) break;
      }
    }
    if (i < 0 || i >= n) {
      throw new DecodeError('invalid_json', 'unterminated JSON document', {
        offset: start,
        document: docs.length,
      });
    }
    docs.push(text.slice(start, i + 1));
    i++;
  }
  return docs;
}

/** Index of the quote that closes a string whose content starts at `from`, or -1. */
function endOfString(text: string, from: number): number {
  let q = text.indexOf('"', from);
  while (q >= 0) {
    // A quote is escaped only when an odd number of backslashes precede it.
    let b = q - 1;
    while (b >= from && text.charCodeAt(b) === BACKSLASH) b--;
    if ((q - 1 - b) % 2 === 0) return q;
    q = text.indexOf('"', q + 1);
  }
  return -1;
}
