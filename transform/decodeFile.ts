import { DecodeError, type QuarantineReason } from '../lake/errors.ts';
import type { FileCounts } from '../lake/runManifest.ts';
import type { SourceDefinition } from '../sources/loader.ts';
import { decompress } from './decompress.ts';
import { messageFields } from './framings/messageFields.ts';
import { TextLines } from './framings/textLines.ts';
import { type CutMode, type CutUnit, JsonCutter } from './jsonCutter.ts';
import { errorPosition, hasLoneSurrogateEscape, parseDocument, parseJson } from './jsonText.ts';
import { compilePath, type Event, type Projector } from './project.ts';
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

export function emptyCounts(): FileCounts {
  return { eventsIn: 0, rows: 0, skipped: {}, quarantined: 0, quarantinedByReason: {} };
}

const isObject = (v: unknown): v is Event => typeof v === 'object' && v !== null && !Array.isArray(v);

/** How a source's files are cut: its records array is streamed element by element where it can be. */
export function cutModeOf(source: SourceDefinition): CutMode {
  const d = source.decode;
  if (d.framing === 'ndjson') return { kind: 'lines' };
  if (d.records !== undefined && !d.records.includes('.') && d.envelope === 'none') {
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
  readonly #recordsAt: ((doc: Event) => unknown) | undefined;
  /** Where the text came from, for messages: `wholeText` gives line and column too. */
  #wholeText: string | undefined;
  #units = 0;
  /** `lines` framing: plain text, read by the source's line pattern instead of the JSON cutter. */
  readonly #text: TextLines | undefined;

  constructor(
    sourceKey: string,
    private readonly source: SourceDefinition,
    private readonly projector: Projector,
  ) {
    this.#keyJson = JSON.stringify(sourceKey);
    const mode = cutModeOf(source);
    this.#mode = mode;
    const records = source.decode.records;
    this.#recordsAt = mode.kind === 'documents' && records !== undefined ? compilePath(records) : undefined;
    this.#cutter = new JsonCutter(mode, (unit) => this.#unit(unit, mode));
    if (source.decode.framing === 'lines') {
      this.#text = new TextLines(source.decode, {
        event: (e) => this.#event(e),
        skip: (reason) => {
          this.counts.eventsIn++;
          this.counts.skipped[reason] = (this.counts.skipped[reason] ?? 0) + 1;
        },
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

  /**
   * The events of one parsed document. CloudWatch Logs envelopes turn into one event per log event,
   * carrying the envelope's owner, log group and stream; CONTROL_MESSAGEs are counted as skipped.
   * Unknown envelopes throw {@link DecodeError} `unknown_envelope`.
   */
  #document(doc: unknown, index: number): void {
    const decode = this.source.decode;
    if (decode.envelope === 'cloudwatch_logs') {
      if (!isObject(doc)) throw new DecodeError('unknown_envelope', `document ${index} is not an object`);
      if (doc.messageType === 'CONTROL_MESSAGE') {
        this.counts.eventsIn++;
        this.counts.skipped.control_message = (this.counts.skipped.control_message ?? 0) + 1;
        return;
      }
      if (doc.messageType !== 'DATA_MESSAGE' || !Array.isArray(doc.logEvents)) {
        throw new DecodeError('unknown_envelope', `document ${index} is not a CloudWatch Logs DATA_MESSAGE`, {
          messageType:
            typeof doc.messageType === 'string' ? doc.messageType.slice(0, 40) : typeof doc.messageType,
        });
      }
      const { owner, logGroup, logStream } = doc;
      for (const le of doc.logEvents as unknown[]) {
        const logEvent = isObject(le) ? le : {};
        const message = logEvent.message;
        let msg: unknown;
        // A Session Manager message is itself JSON; one that is not stays as text and is no error.
        if (
          decode.parse_message &&
          typeof message === 'string' &&
          message.charCodeAt(0) === 0x7b &&
          !hasLoneSurrogateEscape(message)
        ) {
          try {
            msg = parseJson(message);
          } catch {
            msg = undefined;
          }
        } else if (decode.message_format === 'text') msg = messageFields(message, decode);
        this.#event({
          owner,
          logGroup,
          logStream,
          id: logEvent.id,
          timestamp: logEvent.timestamp,
          message,
          msg,
        });
      }
      return;
    }
    if (this.#recordsAt !== undefined) {
      const records = isObject(doc) ? this.#recordsAt(doc) : undefined;
      if (!Array.isArray(records)) {
        throw new DecodeError('unknown_envelope', `document ${index} has no ${decode.records} array`);
      }
      for (const r of records) this.#event(isObject(r) ? r : { value: r });
      return;
    }
    this.#event(isObject(doc) ? doc : { value: doc });
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
