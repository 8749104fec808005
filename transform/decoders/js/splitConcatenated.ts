import { cutText } from './jsonCutter.ts';

/**
 * Splits JSON documents written back to back (`{…}{…}`, possibly with whitespace between) into
 * their source slices: the whole-text form of the cutter's `documents` mode ({@link cutText}), so
 * a `}{` inside a string never splits a document. Throws a `DecodeError` (`invalid_json`) for text
 * outside a document or an unterminated one.
 */
export function splitConcatenated(text: string): string[] {
  const docs: string[] = [];
  cutText(text, { kind: 'documents' }, (unit) => docs.push(unit.text));
  return docs;
}
