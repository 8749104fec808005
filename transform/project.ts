import type { ColumnType } from '../lake/ports.ts';
import type { SourceDefinition } from '../sources/loader.ts';
import type { ColumnSpec, ValueSpec } from '../sources/schema.ts';
import { compileContentFilter } from './contentFilter.ts';

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
function encoderFor(type: ColumnType, as: ValueSpec['as']): (v: unknown) => Encoded {
  if (as === 'json') return (v) => (v == null ? undefined : JSON.stringify(JSON.stringify(v)));
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
        // A nested value in a string column is kept whole, as JSON text, rather than lost.
        return JSON.stringify(typeof v === 'object' ? JSON.stringify(v) : String(v));
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
        if (typeof v === 'number' && Number.isInteger(v)) return String(v);
        if (typeof v === 'string' && /^-?\d{1,19}$/.test(v)) return v;
        return BAD;
      };
    case 'double':
      return (v) => {
        if (v == null) return undefined;
        if (typeof v === 'number' && Number.isFinite(v)) return String(v);
        if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return String(Number(v));
        return BAD;
      };
    case 'timestamp':
      return (v) => {
        if (v == null) return undefined;
        const text = timestampText(v);
        return text === undefined ? BAD : `"${text}"`;
      };
  }
}

/** Milliseconds since the epoch from an ISO 8601 string or an epoch-millis number. */
export function toEpochMillis(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string') {
    const ms = Date.parse(v);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

const ISO_UTC = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/;

/**
 * A time as `YYYY-MM-DD HH:MM:SS.mmm` in UTC, what DuckDB, Parquet and Athena all read as a
 * timestamp; `undefined` when it is not a time. CloudTrail's `…T…Z` strings take a fast path of
 * string slicing (the hot path: no Date objects); anything else goes through `Date`.
 */
export function timestampText(v: unknown): string | undefined {
  if (typeof v === 'string') {
    const m = ISO_UTC.exec(v);
    if (m !== null) {
      const [, day, time, frac = ''] = m as unknown as [string, string, string, string | undefined];
      const month = Number(day.slice(5, 7));
      const date = Number(day.slice(8, 10));
      // The regex checks the shape; these check the ranges Date would reject.
      if (month >= 1 && month <= 12 && date >= 1 && date <= 31 && Number(time.slice(0, 2)) < 24) {
        return `${day} ${time}.${(`${frac}000`).slice(0, 3)}`;
      }
    }
  }
  const ms = toEpochMillis(v);
  if (ms === undefined) return undefined;
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return undefined;
  const iso = d.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

interface CompiledColumn {
  name: string;
  type: ColumnType;
  prefix: string;
  /** The column is the event time itself: reuse the value computed once per event. */
  isTime: boolean;
  value(e: Event): Encoded;
}

function compileColumn(col: ColumnSpec, timePath: string): CompiledColumn {
  const alternatives: ValueSpec[] = col.first ?? [{ path: col.path as string, as: col.as ?? 'value' }];
  const compiled = alternatives.map((alt) => ({
    get: compilePath(alt.path),
    when: compileWhen(alt.when),
    encode: encoderFor(col.type, alt.as),
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

/** The readready columns of a source: its definition's columns plus `source_key` lineage. */
export function readreadyColumns(source: SourceDefinition): { name: string; type: ColumnType }[] {
  return [
    ...source.readready.columns.map((c) => ({ name: c.name, type: c.type })),
    { name: 'source_key', type: 'string' },
  ];
}

/**
 * Compiles a source definition into a projector. Each row is built directly as one NDJSON line
 * (NULLs omitted), so no per-row object is allocated on the hot path.
 */
export function compileProjector(source: SourceDefinition): Projector {
  const columns = source.readready.columns.map((c) => compileColumn(c, source.readready.time.path));
  const time = compilePath(source.readready.time.path);
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
      const when = timestampText(time(event));
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
