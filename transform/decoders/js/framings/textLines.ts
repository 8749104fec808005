import { DecodeError } from '../../../../lake/errors.ts';
import type { SourceDefinition } from '../../../../sources/loader.ts';
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

/** What a text file's lines become: events, skipped lines, or lines quarantined alone. */
export interface LineSink {
  event(event: Event): void;
  skip(reason: 'skipped_line'): void;
  reject(reason: 'unmatched_line'): void;
}

/**
 * Decodes `lines` framing as text arrives in chunks: every non-empty line is one event. Lines
 * matching `skip_lines` (a header) are skipped as `skipped_line`; a line that does not match
 * `line_pattern` is quarantined alone as `unmatched_line`, so one odd line never costs its file.
 * A file without a single line is an `empty_file`, as for the JSON framings.
 */
export class TextLines {
  readonly #read: LineReader;
  readonly #skips: RegExp[];
  #rest = '';
  #lines = 0;

  constructor(
    decode: Decode,
    private readonly sink: LineSink,
  ) {
    this.#read = lineReader(decode);
    this.#skips = decode.skip_lines.map((p) => new RegExp(p));
  }

  push(text: string): void {
    const chunk = this.#rest + text;
    let start = 0;
    for (let end = chunk.indexOf('\n'); end !== -1; end = chunk.indexOf('\n', start)) {
      this.#line(chunk.slice(start, end));
      start = end + 1;
    }
    this.#rest = chunk.slice(start);
  }

  end(): void {
    this.#line(this.#rest);
    this.#rest = '';
    if (this.#lines === 0) {
      throw new DecodeError('empty_file', 'the file holds no line of text (it is empty or blank)', {
        eventsDecoded: 0,
      });
    }
  }

  #line(raw: string): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    this.#lines++;
    const event = this.#skips.some((r) => r.test(line)) ? 'skip' : this.#read(line);
    if (event === 'skip') this.sink.skip('skipped_line');
    else if (event === undefined) this.sink.reject('unmatched_line');
    else this.sink.event(event);
  }
}
