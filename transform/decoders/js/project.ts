import type { ColumnType } from '../../../lake/ports.ts';
import type { SourceDefinition } from '../../../sources/loader.ts';
import type { ColumnSpec, ValueSpec } from '../../../sources/schema.ts';
import { readreadyColumns } from '../../../sources/tables.ts';
import { compileContentFilter } from '../../contentFilter.ts';
import { type TimeFormat, timestampText } from '../../eventTime.ts';
import { canonicalJson, RawNumber } from './jsonText.ts';

export { timestampText } from '../../eventTime.ts';

/** A decoded event: a parsed JSON object (a CloudTrail record, a CloudWatch log event with its envelope). */
export type Event = Record<string, unknown>;

type Getter = (event: Event) => unknown;

/** Why one event could not become a row. */
export interface EventRejection {
  reason: 'bad_type' | 'bad_time' | 'too_large';
  column?: string;
}

/** The outcome of projecting one event. */
export type Projection =
  | { kind: 'row'; calendarday: string; line: string }
  | { kind: 'skip'; reason: 'filtered' | 'filtered_account' | 'filtered_region' }
  | { kind: 'reject'; rejection: EventRejection };

/** A compiled projection from events of one source to readready rows (NDJSON lines). */
export interface Projector {
  readonly columns: { name: string; type: ColumnType }[];
  project(event: Event, sourceKeyJson: string): Projection;
}

/** Compiles a dot path into a getter; missing steps give `undefined`. */
export function compilePath(path: string): Getter {
  const steps = path.split('.');
  if (steps.length === 1) {
    const [a] = steps as [string];
    return (e) => e[a];
  }
  if (steps.length === 2) {
    const [a, b] = steps as [string, string];
    return (e) => {
      const x = e[a];
      return typeof x === 'object' && x !== null ? (x as Event)[b] : undefined;
    };
  }
  return (e) => {
    let x: unknown = e;
    for (const step of steps) {
      if (typeof x !== 'object' || x === null) return undefined;
      x = (x as Event)[step];
    }
    return x;
  };
}

function compileWhen(when: ValueSpec['when']): ((e: Event) => boolean) | undefined {
  if (when === undefined) return undefined;
  const tests = Object.entries(when).map(([path, allowed]) => {
    const get = compilePath(path);
    const set = new Set(Array.isArray(allowed) ? allowed : [allowed]);
    return (e: Event) => {
      const v = get(e);
      return typeof v === 'string' && set.has(v);
    };
  });
  return (e) => tests.every((t) => t(e));
}

/** Sentinel for a value of the wrong type. */
const BAD = Symbol('bad');
type Encoded = string | undefined | typeof BAD;

/** Encodes a value as a JSON literal of the column's type; `undefined` means NULL. */
/** A decimal integer as text, the only text a bigint column reads. */
const INT_TEXT = /^-?(0|[1-9]\d{0,18})$/;
/** A JSON number as text (no hex, no spaces, no `Infinity`), the only text a double column reads. */
const DECIMAL_TEXT = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function fitsInt64(text: string): boolean {
  const n = BigInt(text);
  return n >= INT64_MIN && n <= INT64_MAX;
}

function encoderFor(type: ColumnType, as: ValueSpec['as'], timeFormat?: TimeFormat): (v: unknown) => Encoded {
  if (as === 'json') {
    return (v) => (v == null ? undefined : JSON.stringify(canonicalJson(v)));
  }
  if (as === 'lines') {
    return (v) => {
      if (v == null) return undefined;
      if (typeof v === 'string') return JSON.stringify(v);
      if (Array.isArray(v) && v.every((l) => typeof l === 'string')) return JSON.stringify(v.join('\n'));
      return BAD;
    };
  }
  switch (type) {
    case 'string':
      return (v) => {
        if (v == null) return undefined;
        if (typeof v === 'string') return JSON.stringify(v);
        if (typeof v === 'boolean') return `"${v}"`;
        // A nested value (or a number) in a string column is kept whole, as JSON text, rather than lost.
        return JSON.stringify(canonicalJson(v));
      };
    case 'boolean':
      return (v) => {
        if (v == null) return undefined;
        if (v === true || v === false) return v ? 'true' : 'false';
        if (typeof v === 'string') {
          const s = v.toLowerCase();
          if (s === 'true' || s === 'false') return s;
        }
        return BAD;
      };
    case 'bigint':
      return (v) => {
        if (v == null) return undefined;
        if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
        // Digits beyond ±2^53 arrive as their source text (a number) or as a string: exact either way.
        const text = v instanceof RawNumber ? v.text : typeof v === 'string' ? v : undefined;
        if (text !== undefined && INT_TEXT.test(text) && fitsInt64(text)) return text;
        return BAD;
      };
    case 'double':
      return (v) => {
        if (v == null) return undefined;
        // Magnitudes from 2^53 hold no exact integer: the same bound as bigint and JSON text.
        const n =
          typeof v === 'number' ? v : typeof v === 'string' && DECIMAL_TEXT.test(v) ? Number(v) : Number.NaN;
        return Math.abs(n) <= Number.MAX_SAFE_INTEGER ? String(n) : BAD;
      };
    case 'timestamp':
      return (v) => {
        if (v == null) return undefined;
        const text = timestampText(v, timeFormat);
        return text === undefined ? BAD : `"${text}"`;
      };
  }
}

interface CompiledColumn {
  name: string;
  type: ColumnType;
  prefix: string;
  /** The column is the event time itself: reuse the value computed once per event. */
  isTime: boolean;
  value(e: Event): Encoded;
}

function compileColumn(col: ColumnSpec, time: { path: string; format: TimeFormat }): CompiledColumn {
  const timePath = time.path;
  const alternatives: ValueSpec[] = col.first ?? [{ path: col.path as string, as: col.as ?? 'value' }];
  const compiled = alternatives.map((alt) => ({
    get: compilePath(alt.path),
    when: compileWhen(alt.when),
    // A timestamp column that reads the event time's path reads it in the event time's format.
    encode: encoderFor(col.type, alt.as, alt.path === timePath ? time.format : undefined),
  }));
  const single = compiled.length === 1 && compiled[0]?.when === undefined ? compiled[0] : undefined;
  return {
    name: col.name,
    type: col.type,
    prefix: `${JSON.stringify(col.name)}:`,
    isTime: col.type === 'timestamp' && col.path === timePath && (col.as ?? 'value') === 'value',
    value: single
      ? (e) => single.encode(single.get(e))
      : (e) => {
          for (const alt of compiled) {
            if (alt.when && !alt.when(e)) continue;
            const v = alt.get(e);
            if (v != null) return alt.encode(v);
          }
          return undefined;
        },
  };
}

/**
 * Compiles a source definition into a projector. Each row is built directly as one NDJSON line
 * (NULLs omitted), so no per-row object is allocated on the hot path.
 */
export function compileProjector(source: SourceDefinition): Projector {
  const columns = source.readready.columns.map((c) => compileColumn(c, source.readready.time));
  const time = compilePath(source.readready.time.path);
  const timeFormat = source.readready.time.format;
  const filters = source.readready.filters.map((f) => {
    const get = compilePath(f.path);
    const set = new Set(f.in ?? f.not_in);
    const keep = f.in !== undefined;
    return (e: Event) => {
      const v = get(e);
      return (typeof v === 'string' && set.has(v)) === keep;
    };
  });
  const refused = compileContentFilter(
    source.contentFilters,
    (name) => columns.find((c) => c.name === name)?.value,
  );
  const maxBytes = source.decode.max_event_bytes;
  return {
    columns: readreadyColumns(source),
    project(event, sourceKeyJson) {
      for (const keep of filters) if (!keep(event)) return { kind: 'skip', reason: 'filtered' };
      const reason = refused?.(event);
      if (reason !== undefined) return { kind: 'skip', reason };
      const when = timestampText(time(event), timeFormat);
      if (when === undefined) return { kind: 'reject', rejection: { reason: 'bad_time' } };
      let line = '{';
      for (const col of columns) {
        const v = col.isTime ? `"${when}"` : col.value(event);
        if (v === undefined) continue;
        if (v === BAD) return { kind: 'reject', rejection: { reason: 'bad_type', column: col.name } };
        line += `${col.prefix}${v},`;
      }
      line += `"source_key":${sourceKeyJson}}`;
      // String length is a cheap lower bound of the UTF-8 size; exact enough for a safety limit.
      if (line.length > maxBytes) return { kind: 'reject', rejection: { reason: 'too_large' } };
      return { kind: 'row', calendarday: when.slice(0, 10), line };
    },
  };
}
