import { isUtf8 } from 'node:buffer';
import { DecodeError } from '../../../lake/errors.ts';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Strict UTF-8 to text. Node's own decoding replaces invalid bytes with U+FFFD without a word, which
 * would change what the evidence says; here invalid UTF-8 is an `invalid_utf8` error with the byte
 * offset, and a leading byte-order mark is dropped (DuckDB's reader drops it too). Works on a
 * stream of chunks: a character cut between two chunks is carried over.
 */
export class Utf8Decoder {
  private carry: Buffer | undefined;
  /** Bytes decoded so far (carried bytes excluded). */
  private offset = 0;
  private first = true;

  /** The text of the next chunk; throws {@link DecodeError} `invalid_utf8`. */
  push(chunk: Buffer): string {
    let buf = this.carry === undefined ? chunk : Buffer.concat([this.carry, chunk]);
    this.carry = undefined;
    if (this.first && buf.length > 0 && buf.length < 3 && BOM.subarray(0, buf.length).equals(buf)) {
      // Could still be the start of a byte-order mark: wait for more.
      this.carry = buf;
      return '';
    }
    let skip = 0;
    if (this.first && buf.length >= 3 && BOM.equals(buf.subarray(0, 3))) skip = 3;
    if (buf.length > 0) this.first = false;
    const cut = incompleteTail(buf);
    if (cut < buf.length) {
      this.carry = Buffer.from(buf.subarray(cut));
      buf = buf.subarray(0, cut);
    }
    const body = buf.subarray(skip);
    if (!isUtf8(body)) {
      const at = firstInvalidUtf8(body);
      throw new DecodeError('invalid_utf8', `invalid UTF-8 at byte ${this.offset + skip + at}`, {
        byteOffset: this.offset + skip + at,
      });
    }
    this.offset += buf.length;
    return body.toString('utf8');
  }

  /** Ends the stream; a character left incomplete at the end is invalid. */
  end(): void {
    if (this.carry !== undefined && !(this.first && this.carry.length < 3)) {
      throw new DecodeError('invalid_utf8', `invalid UTF-8 at byte ${this.offset} (truncated character)`, {
        byteOffset: this.offset,
      });
    }
    this.carry = undefined;
  }
}

/** The text of a whole buffer, strictly decoded (see {@link Utf8Decoder}). */
export function utf8Text(buf: Buffer): string {
  const d = new Utf8Decoder();
  const text = d.push(buf);
  d.end();
  return text;
}

/** Where a trailing, possibly incomplete, multi-byte character starts (or `buf.length`). */
function incompleteTail(buf: Buffer): number {
  const n = buf.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const b = buf[n - back]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n;
}

/** Offset of the first byte that does not belong to a valid UTF-8 sequence (the slow path of an error). */
export function firstInvalidUtf8(buf: Uint8Array): number {
  let i = 0;
  const n = buf.length;
  while (i < n) {
    const b = buf[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    if (i + need > n - 1) return i;
    let cp = b & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    for (let k = 1; k <= need; k++) {
      const c = buf[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return n;
}
