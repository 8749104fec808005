import { DUCK_TYPES } from '../../../lake/duckTypes.ts';
import type { ColumnType } from '../../../lake/ports.ts';
import { quoteLiteral } from '../../../lake/sqlQuote.ts';
import type { SourceDefinition } from '../../../sources/loader.ts';
import type { ColumnSpec, ValueSpec } from '../../../sources/schema.ts';
import { readreadyColumns } from '../../../sources/tables.ts';
import { envelopeOf } from '../../envelopes/index.ts';
import { MAX_EPOCH_MS, MIN_EPOCH_MS, type TimeFormat } from '../../eventTime.ts';
import {
  isJsonString,
  jsonPath,
  type Mode,
  opensWith,
  type PathNode,
  q,
  SqlPlanUnsupported,
  textOf,
  wholePrefix,
} from './sqlPaths.ts';

export { SqlPlanUnsupported } from './sqlPaths.ts';

/**
 * How DuckDB does one source's decoding and projection: the `columns` of its `read_json`, the
 * events it unnests from each document, and the typed readready row of each event, all generated
 * from the source definition. The SQL mirrors the JavaScript projector ({@link compileProjector})
 * for every well-formed event; whatever it cannot decide exactly (a value of the wrong type, an odd
 * time, a huge row, an unknown envelope) it flags, and the file goes through the JavaScript decoder
 * instead, which quarantines with the exact reason. So both engines give the same rows.
 */
export interface SqlPlan {
  readonly source: SourceDefinition;
  /** The `columns` argument of `read_json`: the typed shape of a document. */
  readonly docColumns: string;
  /**
   * From documents (`file` and the document columns, a table or a `read_json` with a join): one
   * row per event with the leaf values the projection reads, and one flagged row per document
   * that holds no events (`doc_control`, `doc_unknown`).
   */
  events(docs: string): string;
  /** From events: the typed readready columns, `calendarday`, and the flags `filtered`, `bad`, `doc_control`, `doc_unknown`. */
  rows(events: string): string;
  readonly columns: { name: string; type: ColumnType }[];
}

/**
 * Whether a value read as text (DuckDB's text of any JSON value) can equal one of `values` only
 * when the value is that string: no number, `true`, `false`, `null`, object or array has such text.
 * Then `when` and filters on it need no JSON at all.
 */
const textDecides = (values: readonly string[]) =>
  values.every((v) => !/^[-0-9{[]/.test(v) && v !== 'true' && v !== 'false' && v !== 'null');

/** A value is a string from `values` (the test of `when` and of filters), read as JSON or as text. */
const isOneOf = (x: string, mode: Mode, values: readonly string[]) => {
  const list = values.map(quoteLiteral).join(', ');
  return mode === 'varchar'
    ? `coalesce(${x} IN (${list}), false)`
    : `coalesce(${isJsonString(x)} AND json_extract_string(${x}, '$') IN (${list}), false)`;
};

/** `…T…Z` with a year from 0001, what the SQL reads itself; other ISO forms go to the JavaScript decoder. */
const ISO_UTC = quoteLiteral(
  '([1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,6})?Z',
);

/**
 * JSON text that DuckDB may write differently from the one rule (`jsonText.ts`): a number DuckDB
 * wrote with `.0` (an integral double: JavaScript writes `1`), with an exponent, or below 10^-4 (the
 * two may pick other notations there), or a control character's `\u00xx` escape with a letter in
 * it (DuckDB writes `\u001F`, JavaScript `\u001f`; `\u0010` is the same in both, and DuckDB writes
 * every other character as itself, so a lower-case escape in the text was a string's own text).
 * Fractions in plain notation (`0.5`, `1.08`) and integers (digits beyond ±2^53 kept as in the
 * source by both) are written alike. A hit inside a string only sends a file to the exact decoder.
 */
const RISKY_JSON = quoteLiteral('(":|[\\[,])-?([0-9]+\\.0[,}\\]]|[0-9.]+[eE]|0\\.0000)|\\\\u00[01][A-F]');
/**
 * The same for a whole value read as text (a number where the definition reads a string): the
 * forms DuckDB writes a double in (`1.0`, `1e+20`, `1.5e-07`: a lower-case `e` and a sign), where
 * JavaScript writes `1`, `100000000000000000000`, `1.5e-7`. A number DuckDB passes through as its
 * source text (an integer beyond a double, an overflow such as `1E400`) is kept as its source text
 * by the projector too, so text with an upper-case `E` (S3 request ids such as `685823594590E859`)
 * is safe either way.
 */
const RISKY_NUMBER_TEXT = quoteLiteral('-?([0-9]+\\.0|[0-9](\\.[0-9]+)?e[-+][0-9]+|0\\.0000[0-9]*)');

/** Minified JSON text of an array whose elements are all strings. */
const STRING_ARRAY = quoteLiteral('\\[("([^"\\\\]|\\\\.)*"(,"([^"\\\\]|\\\\.)*")*)?\\]');

/** Whether text DuckDB made of a JSON value read as VARCHAR may differ from the JavaScript projector's. */
const riskyText = (x: string) =>
  // By the first byte: `-` or a digit, `[` or `{`; anything else (letters above all) is text as it
  // stands. Every risky number has a `.` or an `e`, so plain digits (account ids, CloudWatch event
  // ids) need no pattern. CASE, not AND: DuckDB evaluates both sides of an AND on every row.
  `coalesce(CASE WHEN (${x} >= '0' AND ${x} < ':') OR ${opensWith(x, '-')}
      THEN CASE WHEN contains(${x}, '.') OR contains(${x}, 'e') THEN regexp_full_match(${x}, ${RISKY_NUMBER_TEXT}) ELSE false END
    WHEN ${opensWith(x, '{')} OR ${opensWith(x, '[')} THEN regexp_matches(${x}, ${RISKY_JSON})
    ELSE false END, false)`;

/**
 * Whether a JSON value's text (`textOf`) may differ from the JavaScript projector's. Told by the
 * first byte of DuckDB's text (no parse): a string (`"`), `true`, `false` or `null` is safe; an
 * object or array is risky where {@link RISKY_JSON} says; a number is safe as an integer of up to 18
 * digits, and anything else (fractions, exponents, `-0`) goes to the exact decoder.
 */
const riskyJson = (x: string) => {
  const t = `CAST(${x} AS VARCHAR)`;
  return `coalesce(CASE WHEN ${isJsonString(x)} THEN false
    WHEN ${opensWith(t, '{')} OR ${opensWith(t, '[')} THEN regexp_matches(${t}, ${RISKY_JSON})
    WHEN ${t} IN ('true', 'false', 'null') THEN false
    ELSE NOT regexp_full_match(${t}, '0|-?[1-9][0-9]{0,17}') END, true)`;
};

/**
 * A time as the projector reads it, cut to milliseconds: epoch milliseconds from 0001 to 9999, or
 * ISO 8601 UTC; `format` (the event time's) allows only one of them. DuckDB's cast refuses dates
 * that do not exist and second 60, as the projector does.
 */
function timestampOf(x: string, mode: Mode, format?: TimeFormat): string {
  if (mode === 'varchar') {
    // Read as text (an ISO-only time): a number, object or other form fails the pattern.
    return `CASE WHEN regexp_full_match(${x}, ${ISO_UTC})
      THEN date_trunc('millisecond', TRY_CAST(replace(replace(${x}, 'T', ' '), 'Z', '') AS TIMESTAMP)) END`;
  }
  // An integer's JSON text is its digits: the cast back to text must give the same text, which
  // rules out what the cast would take leniently (`1.5`, `1e3`, `-0`, a quoted string) without
  // json_type parsing every value.
  const text = `CAST(${x} AS VARCHAR)`;
  const ms = `TRY_CAST(${text} AS BIGINT)`;
  const epoch = `WHEN ${ms} BETWEEN ${MIN_EPOCH_MS} AND ${MAX_EPOCH_MS} AND CAST(${ms} AS VARCHAR) = ${text}
      THEN make_timestamp(${ms} * 1000)`;
  const iso = `WHEN ${isJsonString(x)} AND regexp_full_match(json_extract_string(${x}, '$'), ${ISO_UTC})
      THEN date_trunc('millisecond', TRY_CAST(replace(replace(json_extract_string(${x}, '$'), 'T', ' '), 'Z', '') AS TIMESTAMP))`;
  return `CASE ${format === 'iso8601' ? '' : epoch} ${format === 'epoch_millis' ? '' : iso} END`;
}

/** The value and the "cannot decide" flag of one alternative, for a JSON leaf `x` (or VARCHAR leaf). */
function encode(
  type: ColumnType,
  as: ValueSpec['as'],
  x: string,
  mode: Mode,
  prepare: (name: string, expr: string) => string,
  timeFormat?: TimeFormat,
): { value: string; bad: string } {
  if (as === 'json') return { value: `CAST(${x} AS VARCHAR)`, bad: riskyJson(x) };
  if (as === 'lines') {
    // An array of strings only: its elements read as text and written back give the same JSON.
    // The list is computed once per row, for the value and for the check.
    // DuckDB's JSON text is minified, so its first byte tells a string (`"`) from an array (`[`),
    // and an array of strings only is told by its shape, without a second parse or a write-back.
    const t = `CAST(${x} AS VARCHAR)`;
    const asText = prepare(
      `${x}_lines`,
      `CASE WHEN ${opensWith(t, '[')} THEN from_json(${x}, '["VARCHAR"]') END`,
    );
    return {
      value: `CASE WHEN ${isJsonString(x)} THEN json_extract_string(${x}, '$') WHEN ${opensWith(t, '[')} THEN array_to_string(${asText}, chr(10)) END`,
      bad: `NOT coalesce(${isJsonString(x)} OR (${opensWith(t, '[')} AND regexp_full_match(${t}, ${STRING_ARRAY})), false)`,
    };
  }
  if (type === 'string') {
    return mode === 'varchar' ? { value: x, bad: riskyText(x) } : { value: textOf(x), bad: riskyJson(x) };
  }
  let value: string;
  if (type === 'boolean' && mode === 'varchar') {
    value = `CASE lower(${x}) WHEN 'true' THEN true WHEN 'false' THEN false END`;
  } else if (type === 'boolean') {
    const text = `lower(json_extract_string(${x}, '$'))`;
    value = `CASE WHEN json_type(${x}) = 'BOOLEAN' THEN CAST(${x} AS BOOLEAN)
      WHEN json_type(${x}) = 'VARCHAR' AND ${text} IN ('true', 'false') THEN ${text} = 'true' END`;
  } else if (type === 'bigint') {
    // Text only as plain decimal digits (no leading zeros), as the projector reads it.
    value = `CASE WHEN json_type(${x}) IN ('BIGINT', 'UBIGINT') THEN TRY_CAST(${x} AS BIGINT)
      WHEN json_type(${x}) = 'VARCHAR' AND regexp_full_match(json_extract_string(${x}, '$'), '-?(0|[1-9][0-9]{0,18})')
        THEN TRY_CAST(json_extract_string(${x}, '$') AS BIGINT) END`;
  } else if (type === 'double') {
    value = `CASE WHEN json_type(${x}) IN ('BIGINT', 'UBIGINT', 'DOUBLE') AND isfinite(TRY_CAST(${x} AS DOUBLE))
      THEN TRY_CAST(${x} AS DOUBLE) END`;
  } else {
    value = timestampOf(x, mode, timeFormat);
  }
  // A present value that did not convert is one the JavaScript projector rejects, or reads more leniently.
  return { value, bad: `(${value}) IS NULL` };
}

/** Builds the path tree of everything a definition reads, each leaf with how it is read. */
function pathTree(source: SourceDefinition, extraJson: readonly string[] = []): PathNode {
  const root: PathNode = { children: new Map() };
  const add = (path: string, mode: Mode) => {
    let node = root;
    for (const step of path.split('.')) {
      let next = node.children.get(step);
      if (next === undefined) {
        next = { children: new Map() };
        node.children.set(step, next);
      }
      node = next;
    }
    node.leaf = node.leaf === 'json' || mode === 'json' ? 'json' : 'varchar';
  };
  const rr = source.readready;
  add(rr.time.path, rr.time.format === 'iso8601' ? 'varchar' : 'json');
  for (const f of rr.filters) add(f.path, textDecides(f.in ?? f.not_in!) ? 'varchar' : 'json');
  for (const col of rr.columns) {
    for (const alt of alternatives(col)) {
      add(alt.path, leafMode(col.type, alt.as, alt.path === rr.time.path ? rr.time.format : undefined));
      for (const [p, v] of Object.entries(alt.when ?? {}))
        add(p, textDecides(Array.isArray(v) ? v : [v]) ? 'varchar' : 'json');
    }
  }
  for (const p of extraJson) add(p, 'json');
  // A node read whole that also has fields read below it is kept as JSON, and text is taken from that.
  const settle = (node: PathNode) => {
    if (node.leaf !== undefined && node.children.size > 0) node.leaf = 'json';
    for (const child of node.children.values()) settle(child);
  };
  settle(root);
  return root;
}

/**
 * How a column's value is read: as text where text says everything the projector looks at (a
 * string; a boolean, which JSON `true` and the string "true" both give; a time that may only be an
 * ISO string), else as JSON.
 */
function leafMode(type: ColumnType, as: ValueSpec['as'], timeFormat?: TimeFormat): Mode {
  if (as !== 'value') return 'json';
  if (type === 'timestamp') return timeFormat === 'iso8601' ? 'varchar' : 'json';
  return type === 'string' || type === 'boolean' ? 'varchar' : 'json';
}

/** How the tree has a path read in the end: a leaf's mode; JSON inside a node read whole. */
function modeAt(tree: PathNode, path: string): Mode {
  let node = tree;
  for (const step of path.split('.')) {
    node = node.children.get(step)!;
    if (node.leaf === 'json') return 'json';
  }
  return node.leaf ?? 'json';
}

function alternatives(col: ColumnSpec): ValueSpec[] {
  return col.first ?? [{ path: col.path as string, as: col.as ?? 'value' }];
}

/** Compiles a source definition into its {@link SqlPlan}; throws {@link SqlPlanUnsupported} for shapes it does not cover. */
export function compileSqlPlan(source: SourceDefinition): SqlPlan {
  const decode = source.decode;
  if (decode.records?.includes('.')) throw new SqlPlanUnsupported('a nested records path');
  if (decode.framing === 'lines') throw new SqlPlanUnsupported('text lines');
  if (decode.message_format === 'text') throw new SqlPlanUnsupported('text messages read by a pattern');
  for (const col of source.readready.columns) {
    for (const alt of alternatives(col)) {
      if (alt.as !== 'value' && col.type !== 'string')
        throw new SqlPlanUnsupported(`${col.name}: as ${alt.as} in a ${col.type} column`);
    }
  }
  const envelopeDef = envelopeOf(source);
  const tree = pathTree(source, envelopeDef.readAsJson);
  // The envelope's part: the documents' shape, their unnest into events, and the events' fields.
  const envelope = envelopeDef.sql(source, tree);
  // The events' leaves: each distinct (path, mode) becomes one column of the events table.
  const leaves = new Map<string, { alias: string; sql: string }>();
  const column = (id: string, sql: () => string): string => {
    let l = leaves.get(id);
    if (l === undefined) {
      l = { alias: `l${leaves.size}`, sql: sql() };
      leaves.set(id, l);
    }
    return q(l.alias);
  };
  const leaf = (path: string, want: Mode) =>
    column(`${want}:${path}`, () => envelope.value(path.split('.'), want));
  const textLeaf = (path: string, sql: string) => column(`text:${path}`, () => sql);
  const guardedLeaf = (path: string, want: Mode): string => {
    const steps = path.split('.');
    const cut = wholePrefix(tree, steps);
    if (cut === undefined) return leaf(path, want);
    const inner = `json_extract(${leaf(steps.slice(0, cut).join('.'), 'json')}, ${jsonPath(steps.slice(cut))})`;
    return want === 'json' ? inner : `(${textOf(inner)})`;
  };

  // Expressions used more than once per row are computed once, in a layer between events and rows.
  const prepared = new Map<string, string>();
  const prepare = (name: string, expr: string) => {
    const id = q(`p_${name.replace(/"/g, '')}`);
    prepared.set(id, expr);
    return id;
  };
  const rr = source.readready;
  // Each test of a value against strings reads it the way the tree settled on.
  const oneOf = (path: string, values: readonly string[]) => {
    const mode = modeAt(tree, path);
    return isOneOf(leaf(path, mode), mode, values);
  };
  const timeMode = modeAt(tree, rr.time.path);
  const eventtime = prepare('eventtime', timestampOf(leaf(rr.time.path, timeMode), timeMode, rr.time.format));
  const filtered =
    rr.filters.length === 0
      ? 'false'
      : `NOT (${rr.filters.map((f) => (f.in ? oneOf(f.path, f.in) : `NOT ${oneOf(f.path, f.not_in!)}`)).join(' AND ')})`;
  const selects: string[] = [];
  const bads: string[] = [`${eventtime} IS NULL`, 'ev_null'];
  const textColumns: string[] = [];
  for (const col of rr.columns) {
    const alts = alternatives(col).map((alt) => {
      const timeFormat = alt.path === rr.time.path ? rr.time.format : undefined;
      // Times and strings are read as the tree settled: a string inside JSON is then read as JSON,
      // whose first byte tells a string from the rest, so only non-strings need the exactness check.
      const mode =
        col.type === 'timestamp' || col.type === 'string'
          ? modeAt(tree, alt.path)
          : leafMode(col.type, alt.as);
      // A value inside a JSON node under a `when` is extracted only for the rows the `when` picks
      // (CASE evaluates a branch for its rows alone), not parsed out of every event.
      const x = alt.when === undefined ? leaf(alt.path, mode) : guardedLeaf(alt.path, mode);
      const cond = Object.entries(alt.when ?? {}).map(([p, v]) => oneOf(p, Array.isArray(v) ? v : [v]));
      const encoded = encode(col.type, alt.as, x, mode, prepare, timeFormat);
      // Text the envelope has already computed (CloudWatch's unescaped message) is not made twice.
      const known =
        col.type === 'string' && alt.as === 'value' && mode === 'json' && alt.when === undefined
          ? envelope.text?.(alt.path.split('.'))
          : undefined;
      if (known !== undefined) encoded.value = textLeaf(alt.path, known);
      return {
        when: [...cond, `${x} IS NOT NULL`].join(' AND '),
        conditional: cond.length > 0,
        ...encoded,
      };
    });
    const isTime = col.type === 'timestamp' && col.path === rr.time.path && (col.as ?? 'value') === 'value';
    // Every encoding is NULL for a NULL leaf, so a lone unconditional alternative needs no CASE.
    const value = isTime
      ? eventtime
      : alts.length === 1 && !alts[0]!.conditional
        ? alts[0]!.value
        : `CASE ${alts.map((a) => `WHEN ${a.when} THEN ${a.value}`).join(' ')} END`;
    if (!isTime && alts.some((a) => a.bad !== 'false'))
      bads.push(`CASE ${alts.map((a) => `WHEN ${a.when} THEN ${a.bad}`).join(' ')} ELSE false END`);
    selects.push(`CAST(${value} AS ${DUCK_TYPES[col.type]}) AS ${q(col.name)}`);
    if (col.type === 'string') textColumns.push(q(col.name));
  }
  // The JavaScript projector measures the JSON line; escapes can make it up to six times longer.
  const textBytes = textColumns.map((c) => `coalesce(strlen(${c}), 0)`).join(' + ') || '0';
  const maybeTooLarge = `(${textBytes}) * 6 > ${Math.floor(decode.max_event_bytes)}`;
  const columns = readreadyColumns(source);
  const names = columns.map((c) => q(c.name)).join(', ');

  return {
    source,
    columns,
    docColumns: envelope.docColumns,
    events(docs) {
      const cols = [...leaves.values()].map((l) => `${l.sql} AS ${q(l.alias)}`);
      const nullCheck = envelope.noEvent;
      return `SELECT ev.file, ev.doc_control, ev.doc_unknown, ${nullCheck} AS ev_null${cols.length > 0 ? `, ${cols.join(', ')}` : ''}
        FROM (${envelope.unnest.replaceAll('%DOCS%', docs)}) ev`;
    },
    rows(events) {
      const docOnly = 'doc_control OR doc_unknown';
      return `SELECT file, ${names}, strftime(${q('eventtime_')}, '%Y-%m-%d') AS calendarday,
          doc_control, doc_unknown, NOT (${docOnly}) AND filtered AS filtered,
          NOT (${docOnly}) AND NOT filtered AND (bad OR ${maybeTooLarge}) AS bad
        FROM (SELECT file, doc_control, doc_unknown, ${selects.join(', ')}, file AS source_key,
          ${eventtime} AS ${q('eventtime_')}, ${filtered} AS filtered, (${bads.join(' OR ')}) AS bad
          FROM (SELECT *, ${[...prepared].map(([id, expr]) => `${expr} AS ${id}`).join(', ')} FROM ${events}))`;
    },
  };
}
