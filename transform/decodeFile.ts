import { DecodeError, type QuarantineReason } from '../lake/errors.ts';
import type { SourceDefinition } from '../sources/loader.ts';
import { decompress } from './decompress.ts';
import { messageFields } from './framings/messageFields.ts';
import { recordsAtPath } from './framings/recordsAtPath.ts';
import { decodeTextLines } from './framings/textLines.ts';
import type { Event, Projector } from './project.ts';
import { splitConcatenated } from './splitConcatenated.ts';

/** Reconciliation counts of one file: `eventsIn = rows + Σ skipped + quarantined`. */
export interface FileCounts {
  eventsIn: number;
  rows: number;
  skipped: Record<string, number>;
  quarantined: number;
  quarantinedByReason: Record<string, number>;
}

/** An event that was quarantined alone; it holds no event content, only where and why. */
export interface EventQuarantine {
  index: number;
  reason: QuarantineReason;
  column?: string;
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

/** Splits text into JSON documents according to the source's framing. */
function frame(text: string, framing: SourceDefinition['decode']['framing']): string[] {
  if (framing === 'concatenated') return splitConcatenated(text);
  if (framing === 'ndjson') return text.split('\n').filter((l) => l.trim() !== '');
  return [text];
}

function parseJson(text: string, document: number): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new DecodeError('invalid_json', `document ${document} is not valid JSON`, { document }, { cause });
  }
}

/**
 * Streams the events of one decoded document to `emit`. CloudWatch Logs envelopes turn into one
 * event per log event, carrying the envelope's owner, log group and stream; CONTROL_MESSAGEs are
 * counted as skipped. Unknown envelopes throw {@link DecodeError} `unknown_envelope`.
 */
function eventsOf(
  doc: unknown,
  index: number,
  source: SourceDefinition,
  counts: FileCounts,
  emit: (event: Event) => void,
): void {
  const decode = source.decode;
  if (decode.envelope === 'cloudwatch_logs') {
    if (!isObject(doc)) throw new DecodeError('unknown_envelope', `document ${index} is not an object`);
    if (doc.messageType === 'CONTROL_MESSAGE') {
      counts.eventsIn++;
      counts.skipped.control_message = (counts.skipped.control_message ?? 0) + 1;
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
      if (decode.parse_message && typeof message === 'string' && message.charCodeAt(0) === 0x7b) {
        try {
          msg = JSON.parse(message);
        } catch {
          msg = undefined;
        }
      } else if (decode.message_format === 'text') msg = messageFields(message, decode);
      emit({ owner, logGroup, logStream, id: logEvent.id, timestamp: logEvent.timestamp, message, msg });
    }
    return;
  }
  if (decode.records !== undefined) {
    const records = isObject(doc) ? recordsAtPath(doc, decode.records) : undefined;
    if (records === undefined) {
      throw new DecodeError('unknown_envelope', `document ${index} has no ${decode.records} array`);
    }
    for (const r of records) emit(isObject(r) ? r : { value: r });
    return;
  }
  emit(isObject(doc) ? doc : { value: doc });
}

/**
 * Decodes one raw file into readready rows: sniff and decompress, frame, parse, unwrap envelopes,
 * project. Pure apart from the thread-pool gunzip. A structural failure (compression, JSON,
 * envelope) throws {@link DecodeError} and the caller quarantines the whole file, so a file is
 * written whole or not at all; a single event of a wrong type is quarantined alone.
 */
export async function decodeFile(
  bytes: Uint8Array,
  sourceKey: string,
  source: SourceDefinition,
  projector: Projector,
  opts: { maxUncompressedBytes?: number } = {},
): Promise<DecodedFile> {
  const data = await decompress(bytes, { maxOutputBytes: opts.maxUncompressedBytes });
  return decodeText(data.toString('utf8'), data.byteLength, sourceKey, source, projector);
}

/** The synchronous part of {@link decodeFile}, for text already decompressed. */
export function decodeText(
  text: string,
  uncompressedBytes: number,
  sourceKey: string,
  source: SourceDefinition,
  projector: Projector,
): DecodedFile {
  const counts = emptyCounts();
  const rowsByDay = new Map<string, string[]>();
  const rejected: EventQuarantine[] = [];
  const keyJson = JSON.stringify(sourceKey);
  const emit = (event: Event) => {
    const index = counts.eventsIn++;
    const p = projector.project(event, keyJson);
    if (p.kind === 'row') {
      counts.rows++;
      let rows = rowsByDay.get(p.calendarday);
      if (rows === undefined) {
        rows = [];
        rowsByDay.set(p.calendarday, rows);
      }
      rows.push(p.line);
    } else if (p.kind === 'skip') {
      counts.skipped[p.reason] = (counts.skipped[p.reason] ?? 0) + 1;
    } else {
      counts.quarantined++;
      counts.quarantinedByReason[p.rejection.reason] =
        (counts.quarantinedByReason[p.rejection.reason] ?? 0) + 1;
      rejected.push({ index, reason: p.rejection.reason, column: p.rejection.column });
    }
  };
  if (source.decode.framing === 'lines') {
    decodeTextLines(text, source.decode, { counts, rejected, emit });
    return { counts, uncompressedBytes, rowsByDay, rejected };
  }
  try {
    const docs = frame(text, source.decode.framing);
    docs.forEach((doc, i) => {
      eventsOf(parseJson(doc, i), i, source, counts, emit);
    });
  } catch (err) {
    if (err instanceof DecodeError) err.context.eventsDecoded = counts.eventsIn;
    throw err;
  }
  return { counts, uncompressedBytes, rowsByDay, rejected };
}
