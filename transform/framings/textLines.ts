import type { SourceDefinition } from '../../sources/loader.ts';
import type { EventQuarantine, FileCounts } from '../decodeFile.ts';
import type { Event } from '../project.ts';

type Decode = SourceDefinition['decode'];

/** Reads one line of text into an event, or `undefined` when the line does not match. */
export type LineReader = (line: string) => Event | undefined;

const readers = new WeakMap<Decode, LineReader>();

/**
 * The line reader of a source's `line_pattern`: its named captures become the event's fields
 * (a capture that took no part is absent), `null_values` (e.g. `-`) become absent, and captures
 * listed in `epoch_seconds` become epoch milliseconds so they read as timestamps. Compiled once
 * per definition.
 */
export function lineReader(decode: Decode): LineReader {
  let reader = readers.get(decode);
  if (reader !== undefined) return reader;
  const pattern = new RegExp(decode.line_pattern ?? '(?<line>.*)');
  const nulls = new Set(decode.null_values);
  const seconds = new Set(decode.epoch_seconds);
  reader = (line) => {
    const m = pattern.exec(line);
    if (m === null) return undefined;
    const event: Event = {};
    for (const [name, value] of Object.entries(m.groups ?? {})) {
      if (value === undefined || nulls.has(value)) continue;
      event[name] = seconds.has(name) && /^\d{1,12}$/.test(value) ? Number(value) * 1000 : value;
    }
    return event;
  };
  readers.set(decode, reader);
  return reader;
}

/** Where the events of a text file go: the same counters and sink as JSON framings. */
export interface LineSink {
  counts: FileCounts;
  rejected: EventQuarantine[];
  emit(event: Event): void;
}

/**
 * Decodes `lines` framing: every non-empty line is one event. Lines matching `skip_lines` (a
 * header) are skipped as `skipped_line`; a line that does not match `line_pattern` is quarantined
 * alone as `unmatched_line`, so one odd line never costs its file, and nothing is lost silently.
 */
export function decodeTextLines(text: string, decode: Decode, sink: LineSink): void {
  const read = lineReader(decode);
  const skips = decode.skip_lines.map((p) => new RegExp(p));
  const { counts } = sink;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.charCodeAt(end - 1) === 0x0d ? text.slice(start, end - 1) : text.slice(start, end);
    start = end + 1;
    if (line.trim() === '') continue;
    if (skips.some((r) => r.test(line))) {
      counts.eventsIn++;
      counts.skipped.skipped_line = (counts.skipped.skipped_line ?? 0) + 1;
      continue;
    }
    const event = read(line);
    if (event === undefined) {
      const index = counts.eventsIn++;
      counts.quarantined++;
      counts.quarantinedByReason.unmatched_line = (counts.quarantinedByReason.unmatched_line ?? 0) + 1;
      sink.rejected.push({ index, reason: 'unmatched_line' });
      continue;
    }
    sink.emit(event);
  }
}
