import { DecodeError } from '../../../lake/errors.ts';
import { errorPosition, parseDocument } from './jsonText.ts';

/** One piece of text the cutter hands on: a document, a record of a document's records array, or a line. */
export interface CutUnit {
  text: string;
  /** Offset of the unit's first character in the whole text (UTF-16 code units). */
  offset: number;
  /** Index of the document (or line) the unit belongs to. */
  document: number;
}

/**
 * How a file's text is cut:
 * - `documents`: JSON documents back to back (`{…}{…}`, whitespace between allowed): each is a unit.
 * - `records`: like `documents`, but each document must be an object whose member `key` is an
 *   array; each element of that array is a unit (the rest of the document is checked, not kept).
 * - `lines`: NDJSON, each non-blank line a unit (a bad line is that line's problem alone).
 */
export type CutMode = { kind: 'documents' } | { kind: 'records'; key: string } | { kind: 'lines' };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
/** The next character that can change the structure: a quote or a bracket. */
const STRUCTURAL = /["{}[\]]/g;

/**
 * Cuts JSON text into units as it streams in, so a file of any size is decoded with memory for
 * one unit at a time, not for the whole file. It knows strings and escapes (a `}{` inside a string
 * never cuts) and jumps between structural characters with a regular expression rather than
 * stepping through string content. Feed text with {@link push}, then call {@link end}.
 *
 * In `records` mode the part of each document outside its records (`{"Records":[0,0,…]}` with each
 * record replaced by `0`) is parsed at the end of the document, so a malformed envelope is still an
 * `invalid_json` error, and the records key must occur exactly once.
 */
export class JsonCutter {
  private buf = '';
  /** Offset of `buf[0]` in the whole text, in UTF-16 code units and in UTF-8 bytes. */
  private base = 0;
  private baseBytes = 0;
  private pos = 0;
  private depth = 0;
  private documents = 0;
  /** Start (in `buf`) of the unit being cut, or -1. */
  private unitStart = -1;
  /** Records mode: the document's text outside its records, and what the scan expects next. */
  private skeleton = '';
  private skeletonFrom = 0;
  /** Pairs (position in the skeleton, offset in the whole text), to place an error in the skeleton. */
  private skeletonMarks: number[] = [];
  private expectKey = false;
  private keyIsRecords = false;
  private recordsSeen = 0;
  private inRecords = false;
  /** Records mode: a scalar element (number, literal) is being read. */
  private scalarStart = -1;
  /** A string whose closing quote has not arrived yet: where its content starts and the search resumes. */
  private openString: { content: number; searchFrom: number } | undefined;

  constructor(
    private readonly mode: CutMode,
    private readonly emit: (unit: CutUnit) => void,
  ) {}

  /**
   * The UTF-8 byte offset of a character offset that is still in the cutter's buffer (any offset
   * inside the unit being emitted, or the error being thrown).
   */
  byteOffset(charOffset: number): number {
    const at = Math.max(0, Math.min(this.buf.length, charOffset - this.base));
    return this.baseBytes + Buffer.byteLength(this.buf.slice(0, at), 'utf8');
  }

  /** The offset in the whole text of a position in the current document's skeleton. */
  private sourceOffsetOfSkeleton(at: number): number {
    const marks = this.skeletonMarks;
    for (let i = marks.length - 2; i >= 0; i -= 2) {
      if (marks[i]! <= at) return marks[i + 1]! + (at - marks[i]!);
    }
    return this.base;
  }

  /** How many documents (or lines) have been seen so far. */
  get documentCount(): number {
    return this.documents;
  }

  push(chunk: string): void {
    this.buf += chunk;
    if (this.mode.kind === 'lines') this.scanLines(false);
    else this.scan();
    this.compact();
  }

  /** Ends the text; throws {@link DecodeError} for an unterminated document. */
  end(): void {
    if (this.mode.kind === 'lines') {
      this.scanLines(true);
      return;
    }
    if (this.scalarStart >= 0) this.endScalar(this.buf.length);
    if (this.depth > 0 || this.openString !== undefined) {
      throw this.invalid('unterminated JSON document', this.unitStart >= 0 ? this.unitStart : this.pos);
    }
  }

  private invalid(message: string, at: number): DecodeError {
    const offset = this.base + at;
    return new DecodeError('invalid_json', `${message} at byte ${this.byteOffset(offset)}`, {
      offset,
      byteOffset: this.byteOffset(offset),
      document: this.documents,
    });
  }

  /** Drops text no unit needs any more, so memory holds one unit at a time. */
  private compact(): void {
    let keep = this.pos;
    if (this.unitStart >= 0) keep = Math.min(keep, this.unitStart);
    if (this.scalarStart >= 0) keep = Math.min(keep, this.scalarStart);
    if (this.mode.kind === 'records' && this.depth > 0) {
      this.flushSkeleton(keep);
    }
    if (keep < 4096 && keep < this.buf.length / 2) return;
    this.baseBytes += Buffer.byteLength(this.buf.slice(0, keep), 'utf8');
    this.buf = this.buf.slice(keep);
    this.base += keep;
    this.pos -= keep;
    if (this.unitStart >= 0) this.unitStart -= keep;
    if (this.scalarStart >= 0) this.scalarStart -= keep;
    this.skeletonFrom -= keep;
    if (this.openString !== undefined) {
      this.openString.content -= keep;
      this.openString.searchFrom -= keep;
    }
  }

  private flushSkeleton(upTo: number): void {
    if (this.inRecords && this.unitStart >= 0) upTo = Math.min(upTo, this.unitStart);
    if (upTo > this.skeletonFrom) {
      this.skeletonMarks.push(this.skeleton.length, this.base + this.skeletonFrom);
      this.skeleton += this.buf.slice(this.skeletonFrom, upTo);
      this.skeletonFrom = upTo;
    }
  }

  private scanLines(final: boolean): void {
    for (;;) {
      const nl = this.buf.indexOf('\n', this.pos);
      const end = nl >= 0 ? nl : final ? this.buf.length : -1;
      if (end < 0) return;
      const line = this.buf.slice(this.pos, end);
      if (line.trim() !== '')
        this.emit({ text: line, offset: this.base + this.pos, document: this.documents });
      this.documents++;
      this.pos = end + 1;
      if (nl < 0) return;
    }
  }

  /**
   * Index of the quote closing the string whose content starts at `content`, searching from
   * `from`; -1 when it has not arrived yet.
   */
  private closeOfString(content: number, from: number): number {
    const text = this.buf;
    let q = text.indexOf('"', from);
    while (q >= 0) {
      // A quote is escaped only when an odd number of backslashes precede it.
      let b = q - 1;
      while (b >= content && text.charCodeAt(b) === BACKSLASH) b--;
      if ((q - 1 - b) % 2 === 0) return q;
      q = text.indexOf('"', q + 1);
    }
    return -1;
  }

  private scan(): void {
    const text = this.buf;
    const n = text.length;
    if (this.openString !== undefined) {
      const close = this.closeOfString(this.openString.content, this.openString.searchFrom);
      if (close < 0) {
        // Resume after what was searched; a backslash run at the end is counted from `content`.
        this.openString.searchFrom = n;
        return;
      }
      const content = this.openString.content;
      this.openString = undefined;
      this.afterString(content, close);
      this.pos = close + 1;
    }
    while (this.pos < n) {
      const i = this.pos;
      const c = text.charCodeAt(i);
      if (this.depth === 0) {
        if (isSpace(c)) {
          this.pos++;
          continue;
        }
        if (c !== OPEN_BRACE && c !== OPEN_BRACKET)
          throw this.invalid('unexpected text between JSON documents', i);
        this.startDocument(c, i);
        this.pos++;
        continue;
      }
      if (this.scalarStart >= 0) {
        // A number or literal in the records array ends at a comma, a bracket or a space.
        if (c === COMMA || c === CLOSE_BRACKET || isSpace(c)) this.endScalar(i);
        else {
          this.pos++;
          continue;
        }
      }
      // Only depth 1 and 2 of a records document need every character looked at.
      if (this.mode.kind !== 'records' || this.depth > 2 || (this.depth === 2 && !this.inRecords)) {
        STRUCTURAL.lastIndex = i;
        const m = STRUCTURAL.exec(text);
        if (m === null) {
          this.pos = n;
          return;
        }
        this.pos = m.index;
      }
      const j = this.pos;
      const d = text.charCodeAt(j);
      if (d === QUOTE) {
        const close = this.closeOfString(j + 1, j + 1);
        if (close < 0) {
          this.openString = { content: j + 1, searchFrom: n };
          return;
        }
        this.afterString(j + 1, close);
        this.pos = close + 1;
        continue;
      }
      if (d === OPEN_BRACE || d === OPEN_BRACKET) {
        this.open(d, j);
      } else if (d === CLOSE_BRACE || d === CLOSE_BRACKET) {
        this.close(j);
      } else if (this.mode.kind === 'records' && this.depth <= 2) {
        this.plain(d, j);
      }
      this.pos = j + 1;
    }
  }

  private startDocument(c: number, at: number): void {
    this.depth = 1;
    this.unitStart = at;
    if (this.mode.kind !== 'records') return;
    if (c !== OPEN_BRACE) {
      throw new DecodeError(
        'unknown_envelope',
        `document ${this.documents} is not an object with a ${this.mode.key} array`,
        {
          document: this.documents,
        },
      );
    }
    // The document itself is not a unit in records mode: its records are.
    this.unitStart = -1;
    this.skeleton = '';
    this.skeletonMarks = [];
    this.skeletonFrom = at;
    this.expectKey = true;
    this.keyIsRecords = false;
    this.recordsSeen = 0;
  }

  private open(c: number, at: number): void {
    if (this.mode.kind === 'records') {
      if (this.depth === 1 && c === OPEN_BRACKET && this.keyIsRecords) {
        this.inRecords = true;
        this.keyIsRecords = false;
        this.flushSkeleton(at + 1);
      } else if (this.depth === 2 && this.inRecords) {
        this.startRecord(at);
      }
      if (this.depth === 1) this.keyIsRecords = false;
    }
    this.depth++;
  }

  private close(at: number): void {
    this.depth--;
    if (this.depth < 0) throw this.invalid('unbalanced brackets', at);
    if (this.mode.kind !== 'records') {
      if (this.depth === 0) this.endUnit(at + 1, true);
      return;
    }
    if (this.depth === 2 && this.inRecords) this.endUnit(at + 1, false);
    else if (this.depth === 1 && this.inRecords) this.inRecords = false;
    else if (this.depth === 0) this.endRecordsDocument(at + 1);
  }

  /** Records mode, depth 1–2: commas, colons, numbers and literals. */
  private plain(c: number, at: number): void {
    if (isSpace(c)) return;
    if (this.depth === 1) {
      if (c === COMMA) this.expectKey = true;
      return;
    }
    // depth 2 inside the records array: a scalar element starts here.
    if (c !== COMMA) {
      this.startRecord(at);
      this.scalarStart = at;
    }
  }

  private afterString(content: number, close: number): void {
    if (this.mode.kind !== 'records') return;
    if (this.depth === 1 && this.expectKey) {
      this.expectKey = false;
      const raw = this.buf.slice(content, close);
      const key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
      this.keyIsRecords = key === this.mode.key;
      if (this.keyIsRecords && ++this.recordsSeen > 1) {
        throw this.invalid(`duplicate key "${this.mode.key}" in document ${this.documents}`, content - 1);
      }
    } else if (this.depth === 2 && this.inRecords) {
      this.startRecord(content - 1);
      this.endUnit(close + 1, false);
    }
  }

  private startRecord(at: number): void {
    this.flushSkeleton(at);
    this.skeletonMarks.push(this.skeleton.length, this.base + at);
    this.skeleton += '0';
    this.unitStart = at;
  }

  private endScalar(at: number): void {
    this.scalarStart = -1;
    this.endUnit(at, false);
  }

  private endUnit(end: number, isDocument: boolean): void {
    const start = this.unitStart;
    this.unitStart = -1;
    this.emit({ text: this.buf.slice(start, end), offset: this.base + start, document: this.documents });
    if (isDocument) this.documents++;
    else this.skeletonFrom = end;
  }

  private endRecordsDocument(end: number): void {
    this.flushSkeleton(end);
    const key = (this.mode as { key: string }).key;
    let doc: unknown;
    try {
      doc = parseDocument(this.skeleton);
    } catch (cause) {
      const at = errorPosition(cause) ?? this.skeleton.length - 1;
      const offset = this.sourceOffsetOfSkeleton(at);
      const inBuffer = offset >= this.base;
      throw new DecodeError(
        'invalid_json',
        `document ${this.documents} is not valid JSON outside its records ` +
          (inBuffer ? `at byte ${this.byteOffset(offset)}` : `at character ${offset}`),
        { document: this.documents, offset, ...(inBuffer ? { byteOffset: this.byteOffset(offset) } : {}) },
        { cause },
      );
    }
    if (this.recordsSeen === 0 || !Array.isArray((doc as Record<string, unknown>)[key])) {
      throw new DecodeError('unknown_envelope', `document ${this.documents} has no ${key} array`, {
        document: this.documents,
      });
    }
    this.skeleton = '';
    this.documents++;
  }
}

/** Cuts a whole text at once; see {@link JsonCutter}. */
export function cutText(text: string, mode: CutMode, emit: (unit: CutUnit) => void): number {
  const cutter = new JsonCutter(mode, emit);
  cutter.push(text);
  cutter.end();
  return cutter.documentCount;
}
