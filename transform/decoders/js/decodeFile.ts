import { DecodeError, type QuarantineReason } from '../../../lake/errors.ts';
import type { FileCounts } from '../../../lake/runManifest.ts';
import type { SourceDefinition } from '../../../sources/loader.ts';
import { emptyCounts } from '../../accounting.ts';
import { isObject } from '../../envelopes/envelope.ts';
import { type DocumentReader, type EnvelopeOut, envelopeOf } from '../../envelopes/index.ts';
import { decompress } from './decompress.ts';
import { TextLines } from './framings/textLines.ts';
import { type CutMode, type CutUnit, JsonCutter } from './jsonCutter.ts';
import { errorPosition, hasLoneSurrogateEscape, parseDocument } from './jsonText.ts';
import type { Event, Projector } from './project.ts';
import { utf8Text } from './utf8Text.ts';

/** An event that was quarantined alone; it holds no event content, only where and why. */
export interface EventQuarantine {
  index: number;
  reason: QuarantineReason;
  column?: string;
  /** Where the event starts in the decompressed file, when known (a bad NDJSON line, say). */
  byteOffset?: number;
}

/** A decoded file: its rows grouped by calendar day, ready to append to that day's output. */
export interface DecodedFile {
  counts: FileCounts;
  uncompressedBytes: number;
  rowsByDay: Map<string, string[]>;
  rejected: EventQuarantine[];
}

/** How a source's files are cut: its records array is streamed element by element where it can be. */
export function cutModeOf(source: SourceDefinition): CutMode {
  const d = source.decode;
  if (d.framing === 'ndjson') return { kind: 'lines' };
  if (d.records !== undefined && !d.records.includes('.') && envelopeOf(source).streamsRecords) {
    return { kind: 'records', key: d.records };
  }
  return { kind: 'documents' };
}

/** V8's JSON.parse message without the quoted snippet of input it sometimes adds (input holds secrets). */
function parseMessage(err: unknown): { message: string; position?: number } {
  const text = err instanceof Error ? err.message : String(err);
  const message = text.replace(/, ".*" is not valid JSON$/s, '').replace(/ in JSON at position \d+.*$/s, '');
  return { message, position: errorPosition(err) };
}

/**
 * Decodes the text of one raw file, unit by unit as it arrives ({@link push}, then {@link end}):
 * cut (documents, records or lines), parse, unwrap envelopes, project. Rows collect per calendar
 * day until the caller takes them ({@link takeRows}), so a caller streaming a large file can spill
 * them to disk as it goes. A structural failure (JSON, envelope) throws {@link DecodeError} and the
 * caller quarantines the whole file; a single event of a wrong type, a bad time, or a bad NDJSON
 * line is quarantined alone.
 */
export class FileDecoder {
  readonly counts = emptyCounts();
  readonly rejected: EventQuarantine[] = [];
  #rows = new Map<string, string[]>();
  /** Characters of rows held, a bound of their memory. */
  bufferedChars = 0;
  readonly #cutter: JsonCutter;
  readonly #mode: CutMode;
  readonly #keyJson: string;
  /** The source's envelope, reading the events of each document. */
  readonly #read: DocumentReader;
  readonly #out: EnvelopeOut = {
    event: (e) => this.#event(e),
    skip: (reason) => this.#skip(reason),
  };
  /** Where the text came from, for messages: `wholeText` gives line and column too. */
  #wholeText: string | undefined;
  #units = 0;
  /** `lines` framing: plain text, read by the source's line pattern instead of the JSON cutter. */
  readonly #text: TextLines | undefined;

  constructor(
    sourceKey: string,
    source: SourceDefinition,
    private readonly projector: Projector,
  ) {
    this.#keyJson = JSON.stringify(sourceKey);
    const mode = cutModeOf(source);
    this.#mode = mode;
    this.#read = envelopeOf(source).reader(source.decode, mode);
    this.#cutter = new JsonCutter(mode, (unit) => this.#unit(unit, mode));
    if (source.decode.framing === 'lines') {
      this.#text = new TextLines(source.decode, {
        event: (e) => this.#event(e),
        skip: (reason) => this.#skip(reason),
        reject: (reason) => this.#reject(this.counts.eventsIn++, reason),
      });
    }
  }

  /** Feeds decoded text; `whole` says it is the whole file (line and column then go into messages). */
  push(text: string, whole = false): void {
    if (whole) this.#wholeText = text;
    if (this.#text !== undefined) {
      this.#text.push(text);
      return;
    }
    try {
      this.#cutter.push(text);
    } catch (err) {
      throw this.#withPlace(err);
    }
  }

  /** Ends the file. A file with no event at all, not even a skipped one, is an `empty_file`. */
  end(): void {
    if (this.#text !== undefined) {
      this.#text.end();
      return;
    }
    try {
      this.#cutter.end();
    } catch (err) {
      throw this.#withPlace(err);
    }
    const empty = this.#mode.kind === 'lines' ? this.#units === 0 : this.#cutter.documentCount === 0;
    if (empty) {
      throw new DecodeError('empty_file', 'the file holds no JSON document (it is empty or blank)', {
        eventsDecoded: 0,
      });
    }
  }

  /** The rows decoded so far, by day; the decoder holds none afterwards. */
  takeRows(): Map<string, string[]> {
    const rows = this.#rows;
    this.#rows = new Map();
    this.bufferedChars = 0;
    return rows;
  }

  #withPlace(err: unknown): unknown {
    if (!(err instanceof DecodeError)) return err;
    err.context.eventsDecoded = this.counts.eventsIn;
    const offset = err.context.offset;
    if (typeof offset === 'number' && this.#wholeText !== undefined && err.context.line === undefined) {
      const before = this.#wholeText.slice(0, offset);
      const line = (before.match(/\n/g)?.length ?? 0) + 1;
      const column = offset - before.lastIndexOf('\n');
      err.context.line = line;
      err.context.column = column;
      err.message = `${err.message} (line ${line}, column ${column})`;
    }
    return err;
  }

  #parse(unit: CutUnit): unknown {
    if (hasLoneSurrogateEscape(unit.text)) {
      const byteOffset = this.#cutter.byteOffset(unit.offset);
      throw new DecodeError(
        'invalid_json',
        `document ${unit.document} is not valid JSON: an unpaired surrogate escape (\\uD800–\\uDFFF) in the value at byte ${byteOffset}`,
        { document: unit.document, offset: unit.offset, byteOffset },
      );
    }
    try {
      // DuckDB's reader accepts trailing commas: so does this one, so both read a file the same way.
      return parseDocument(unit.text);
    } catch (cause) {
      const { message, position } = parseMessage(cause);
      const offset = unit.offset + (position ?? 0);
      const byteOffset = this.#cutter.byteOffset(offset);
      throw new DecodeError(
        'invalid_json',
        `document ${unit.document} is not valid JSON: ${message} at byte ${byteOffset}`,
        { document: unit.document, offset, byteOffset },
        { cause },
      );
    }
  }

  #unit(unit: CutUnit, mode: CutMode): void {
    this.#units++;
    if (mode.kind === 'lines') {
      let doc: unknown;
      try {
        doc = this.#parse(unit);
      } catch (err) {
        // One bad line of NDJSON is that line's problem: it is quarantined alone, the rest is kept.
        if (!(err instanceof DecodeError)) throw err;
        this.#reject(this.counts.eventsIn++, 'invalid_json', undefined, Number(err.context.byteOffset));
        return;
      }
      this.#document(doc, unit.document);
      return;
    }
    const value = this.#parse(unit);
    if (mode.kind === 'records') this.#event(isObject(value) ? value : { value });
    else this.#document(value, unit.document);
  }

  #reject(index: number, reason: QuarantineReason, column?: string, byteOffset?: number): void {
    this.counts.quarantined++;
    this.counts.quarantinedByReason[reason] = (this.counts.quarantinedByReason[reason] ?? 0) + 1;
    this.rejected.push({
      index,
      reason,
      ...(column ? { column } : {}),
      ...(byteOffset ? { byteOffset } : {}),
    });
  }

  #event(event: Event): void {
    const counts = this.counts;
    const index = counts.eventsIn++;
    const p = this.projector.project(event, this.#keyJson);
    if (p.kind === 'row') {
      counts.rows++;
      let rows = this.#rows.get(p.calendarday);
      if (rows === undefined) {
        rows = [];
        this.#rows.set(p.calendarday, rows);
      }
      rows.push(p.line);
      this.bufferedChars += p.line.length;
    } else if (p.kind === 'skip') {
      counts.skipped[p.reason] = (counts.skipped[p.reason] ?? 0) + 1;
    } else {
      this.#reject(index, p.rejection.reason, p.rejection.column);
    }
  }

  /** One event that counts as skipped (a CONTROL_MESSAGE, a header line), by reason. */
  #skip(reason: string): void {
    this.counts.eventsIn++;
    this.counts.skipped[reason] = (this.counts.skipped[reason] ?? 0) + 1;
  }

  /** The events of one parsed document, as its envelope reads them (`transform/envelopes/`). */
  #document(doc: unknown, index: number): void {
    this.#read(doc, index, this.#out);
  }
}

/**
 * Decodes one raw file into readready rows: sniff and decompress, decode strictly as UTF-8, then
 * {@link decodeText}. Pure apart from the thread-pool gunzip. For files of any size, use
 * `decodeRawFile`, which streams.
 */
export async function decodeFile(
  bytes: Uint8Array,
  sourceKey: string,
  source: SourceDefinition,
  projector: Projector,
  opts: { maxUncompressedBytes?: number } = {},
): Promise<DecodedFile> {
  const data = await decompress(bytes, { maxOutputBytes: opts.maxUncompressedBytes });
  let text: string;
  try {
    text = utf8Text(data);
  } catch (err) {
    if (err instanceof DecodeError) err.context.eventsDecoded = 0;
    throw err;
  }
  return decodeText(text, data.byteLength, sourceKey, source, projector);
}

/** Decodes the whole text of a file at once (see {@link FileDecoder}). */
export function decodeText(
  text: string,
  uncompressedBytes: number,
  sourceKey: string,
  source: SourceDefinition,
  projector: Projector,
): DecodedFile {
  const d = new FileDecoder(sourceKey, source, projector);
  d.push(text, true);
  d.end();
  return { counts: d.counts, uncompressedBytes, rowsByDay: d.takeRows(), rejected: d.rejected };
}
