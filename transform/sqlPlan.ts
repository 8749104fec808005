import { DUCK_TYPES } from '../lake/duckTypes.ts';
import type { ColumnType } from '../lake/ports.ts';
import { quoteIdent, quoteLiteral } from '../lake/sqlQuote.ts';
import type { SourceDefinition } from '../sources/loader.ts';
import type { ColumnSpec, ValueSpec } from '../sources/schema.ts';
import { readreadyColumns } from '../sources/tables.ts';
import { MAX_EPOCH_MS, MIN_EPOCH_MS, type TimeFormat } from './eventTime.ts';

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

type Mode = 'varchar' | 'json';

/** A node of the tree of paths the definition reads. */
interface PathNode {
  children: Map<string, PathNode>;
  /** Read as a whole value, and how. */
  leaf?: Mode;
}

/** A source the SQL engine leaves to the JavaScript decoder, and why. */
export class SqlPlanUnsupported extends Error {
  override name = 'SqlPlanUnsupported';
}

const q = quoteIdent;
const jsonPath = (steps: readonly string[]) => quoteLiteral(`$.${steps.map((s) => `"${s}"`).join('.')}`);

/** Reads a JSON value as text the way the JavaScript projector does (`String(v)`, objects as JSON). */
const textOf = (x: string) =>
  `CASE WHEN json_type(${x}) = 'VARCHAR' THEN json_extract_string(${x}, '$') ELSE CAST(${x} AS VARCHAR) END`;

/** A JSON value is a string from `values` (the test of `when` and of filters). */
const isOneOf = (x: string, values: readonly string[]) =>
  `coalesce(json_type(${x}) = 'VARCHAR' AND json_extract_string(${x}, '$') IN (${values.map(quoteLiteral).join(', ')}), false)`;

/** `…T…Z` with a year from 0001, what the SQL reads itself; other ISO forms go to the JavaScript decoder. */
const ISO_UTC = quoteLiteral(
  '([1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,6})?Z',
);

/**
 * JSON text that DuckDB may write differently from the one rule (`jsonText.ts`): a number DuckDB
 * wrote with `.0` (an integral double: JavaScript writes `1`), with an exponent, or below 10^-4 (the
 * two may pick other notations there), or a `\u00xx` escape (DuckDB writes upper-case hex).
 * Fractions in plain notation (`0.5`, `1.08`) and integers (digits beyond ±2^53 kept as in the
 * source by both) are written alike. A hit inside a string only sends a file to the exact decoder.
 */
const RISKY_JSON = quoteLiteral('(":|[\\[,])-?([0-9]+\\.0[,}\\]]|[0-9.]+[eE]|0\\.0000)|\\\\u00');
/** The same for a whole value read as text (a number where the definition reads a string). */
const RISKY_NUMBER_TEXT = quoteLiteral('-?([0-9]+\\.0|[0-9.]+[eE][-+]?[0-9]+|0\\.0000[0-9]*)');

/** Whether text DuckDB made of a JSON value read as VARCHAR may differ from the JavaScript projector's. */
const riskyText = (x: string) =>
  `coalesce(CASE WHEN ascii(${x}) IN (123, 91) THEN regexp_matches(${x}, ${RISKY_JSON})
    WHEN ascii(${x}) = 45 OR ascii(${x}) BETWEEN 48 AND 57 THEN regexp_full_match(${x}, ${RISKY_NUMBER_TEXT})
    ELSE false END, false)`;

/** Whether a JSON value's text (`textOf`) may differ from the JavaScript projector's. */
const riskyJson = (x: string) =>
  `coalesce(CASE json_type(${x}) WHEN 'VARCHAR' THEN false WHEN 'BOOLEAN' THEN false WHEN 'NULL' THEN false
    WHEN 'BIGINT' THEN false WHEN 'UBIGINT' THEN false WHEN 'DOUBLE' THEN true
    ELSE regexp_matches(CAST(${x} AS VARCHAR), ${RISKY_JSON}) END, true)`;

/**
 * A time as the projector reads it, cut to milliseconds: epoch milliseconds from 0001 to 9999, or
 * ISO 8601 UTC; `format` (the event time's) allows only one of them. DuckDB's cast refuses dates
 * that do not exist and second 60, as the projector does.
 */
function timestampOf(x: string, format?: TimeFormat): string {
  const epoch = `WHEN json_type(${x}) IN ('BIGINT', 'UBIGINT') AND TRY_CAST(${x} AS BIGINT) BETWEEN ${MIN_EPOCH_MS} AND ${MAX_EPOCH_MS}
      THEN make_timestamp(CAST(${x} AS BIGINT) * 1000)`;
  const iso = `WHEN json_type(${x}) = 'VARCHAR' AND regexp_full_match(json_extract_string(${x}, '$'), ${ISO_UTC})
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
    const asText = prepare(
      `${x}_lines`,
      `CASE WHEN json_type(${x}) = 'ARRAY' THEN from_json(${x}, '["VARCHAR"]') END`,
    );
    return {
      value: `CASE json_type(${x}) WHEN 'VARCHAR' THEN json_extract_string(${x}, '$') WHEN 'ARRAY' THEN array_to_string(${asText}, chr(10)) END`,
      bad: `NOT (json_type(${x}) = 'VARCHAR' OR (json_type(${x}) = 'ARRAY' AND CAST(to_json(${asText}) AS VARCHAR) = CAST(${x} AS VARCHAR)))`,
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
    value = timestampOf(x, timeFormat);
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
  add(rr.time.path, 'json');
  for (const f of rr.filters) add(f.path, 'json');
  for (const col of rr.columns) {
    for (const alt of alternatives(col)) {
      add(alt.path, leafMode(col.type, alt.as));
      for (const p of Object.keys(alt.when ?? {})) add(p, 'json');
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
 * string, or a boolean, which JSON `true` and the string "true" both give), else as JSON.
 */
function leafMode(type: ColumnType, as: ValueSpec['as']): Mode {
  return as === 'value' && (type === 'string' || type === 'boolean') ? 'varchar' : 'json';
}

function alternatives(col: ColumnSpec): ValueSpec[] {
  return col.first ?? [{ path: col.path as string, as: col.as ?? 'value' }];
}

/** DuckDB type of a subtree: a STRUCT down to the leaves; a node read whole (or both ways) is JSON or VARCHAR. */
function duckType(node: PathNode): string {
  if (node.children.size === 0) return node.leaf === 'varchar' ? 'VARCHAR' : 'JSON';
  if (node.leaf !== undefined) return 'JSON';
  const seen = new Set<string>();
  for (const name of node.children.keys()) {
    // DuckDB struct fields are case-insensitive; JSON keys are not.
    if (seen.has(name.toLowerCase())) throw new SqlPlanUnsupported(`paths differ only by case: ${name}`);
    seen.add(name.toLowerCase());
  }
  return `STRUCT(${[...node.children].map(([name, child]) => `${q(name)} ${duckType(child)}`).join(', ')})`;
}

/** The same shape as a `from_json` structure string. */
function jsonStructure(node: PathNode): unknown {
  if (node.children.size === 0) return node.leaf === 'varchar' ? 'VARCHAR' : 'JSON';
  if (node.leaf !== undefined) return 'JSON';
  return Object.fromEntries([...node.children].map(([name, child]) => [name, jsonStructure(child)]));
}

/**
 * SQL for the value at `steps` below `base` (whose subtree is `node`): struct field access down to
 * the first node read whole, then `json_extract` inside it. `mode` says whether the caller wants a
 * JSON value or text.
 */
function accessor(base: string, node: PathNode, steps: readonly string[], want: Mode): string {
  let expr = base;
  let at = node;
  for (let i = 0; i < steps.length; i++) {
    const child = at.children.get(steps[i]!)!;
    expr = `${expr}.${q(steps[i]!)}`;
    const whole = child.leaf !== undefined && (child.children.size > 0 || i === steps.length - 1);
    if (whole && i < steps.length - 1) {
      // Read whole as JSON: the rest of the path is looked up inside it.
      const inner = `json_extract(${expr}, ${jsonPath(steps.slice(i + 1))})`;
      return want === 'json' ? inner : textOf(inner);
    }
    at = child;
  }
  if (at.leaf === 'json' && want === 'varchar') return textOf(expr);
  if (at.leaf === 'varchar' && want === 'json')
    throw new Error(`internal: ${steps.join('.')} is read as text`);
  return expr;
}

/** Compiles a source definition into its {@link SqlPlan}; throws {@link SqlPlanUnsupported} for shapes it does not cover. */
export function compileSqlPlan(source: SourceDefinition): SqlPlan {
  const decode = source.decode;
  const cw = decode.envelope === 'cloudwatch_logs';
  if (decode.records?.includes('.')) throw new SqlPlanUnsupported('a nested records path');
  if (decode.framing === 'lines') throw new SqlPlanUnsupported('text lines');
  if (decode.message_format === 'text') throw new SqlPlanUnsupported('text messages read by a pattern');
  if (cw && decode.records !== undefined) throw new SqlPlanUnsupported('records inside CloudWatch envelopes');
  for (const col of source.readready.columns) {
    for (const alt of alternatives(col)) {
      if (alt.as !== 'value' && col.type !== 'string')
        throw new SqlPlanUnsupported(`${col.name}: as ${alt.as} in a ${col.type} column`);
    }
  }
  const tree = pathTree(source);
  // The events' leaves: each distinct (path, mode) becomes one column of the events table.
  const leaves = new Map<string, { alias: string; sql: string }>();
  const ENVELOPE_FIELDS = new Set(['owner', 'logGroup', 'logStream']);
  const LOG_EVENT_FIELDS = new Set(['id', 'timestamp', 'message']);
  let docColumns: string;
  let unnest: string;
  let eventBase: (steps: string[], want: Mode) => string;
  if (cw) {
    const msg = tree.children.get('msg');
    const logEvent: PathNode = { children: new Map() };
    for (const name of LOG_EVENT_FIELDS) {
      const n = tree.children.get(name);
      logEvent.children.set(name, n ? { ...n } : { children: new Map(), leaf: 'varchar' });
    }
    // The message is the text the session message is parsed from.
    const message = logEvent.children.get('message')!;
    if (message.leaf === 'json' || message.children.size > 0)
      throw new SqlPlanUnsupported('message read other than as text');
    const envelope = [...ENVELOPE_FIELDS].map((name) => {
      const n = tree.children.get(name);
      return `${quoteLiteral(name)}: ${quoteLiteral(n ? duckType(n) : 'VARCHAR')}`;
    });
    docColumns = `{'messageType': 'VARCHAR', ${envelope.join(', ')}, 'logEvents': ${quoteLiteral(`${duckType(logEvent)}[]`)}}`;
    const parsed =
      decode.parse_message && msg !== undefined
        ? `CASE WHEN starts_with(e.${q('message')}, '{') AND json_valid(e.${q('message')}) THEN from_json(e.${q('message')}, ${quoteLiteral(JSON.stringify(jsonStructure(msg)))}) END`
        : 'NULL';
    const mt = q('messageType');
    const data = `${mt} = 'DATA_MESSAGE' AND ${q('logEvents')} IS NOT NULL`;
    // Every document yields rows: its log events, or one flagged row (a CONTROL_MESSAGE, or an
    // unknown envelope that sends its file to the JavaScript decoder).
    unnest = `SELECT d.*, ${parsed} AS msg FROM (
      SELECT file, coalesce(${mt} = 'CONTROL_MESSAGE', false) AS doc_control,
        NOT coalesce(${mt} = 'CONTROL_MESSAGE' OR (${data}), false) AS doc_unknown,
        ${q('owner')}, ${q('logGroup')}, ${q('logStream')},
        unnest(CASE WHEN ${data} THEN ${q('logEvents')} ELSE [NULL] END) AS e
      FROM %DOCS%) d`;
    eventBase = (steps, want) => {
      const [head, ...rest] = steps as [string, ...string[]];
      if (ENVELOPE_FIELDS.has(head) || LOG_EVENT_FIELDS.has(head)) {
        if (rest.length > 0) return 'NULL'; // a property of a string is undefined in JavaScript too
        const base = ENVELOPE_FIELDS.has(head) ? `ev.${q(head)}` : `ev.e.${q(head)}`;
        const node = ENVELOPE_FIELDS.has(head) ? tree.children.get(head)! : logEvent.children.get(head)!;
        if (node.leaf === 'json' && want === 'varchar') return textOf(base);
        return base;
      }
      if (head === 'msg' && msg !== undefined && decode.parse_message) {
        if (rest.length === 0) throw new SqlPlanUnsupported('msg read whole');
        return accessor('ev.msg', msg, rest, want);
      }
      return 'NULL';
    };
  } else if (decode.records !== undefined) {
    docColumns = `{${quoteLiteral(decode.records)}: ${quoteLiteral(`${duckType(tree)}[]`)}}`;
    const records = q(decode.records);
    unnest = `SELECT file, false AS doc_control, ${records} IS NULL AS doc_unknown,
      unnest(coalesce(${records}, [NULL])) AS r FROM %DOCS%`;
    eventBase = (steps, want) => accessor('ev.r', tree, steps, want);
  } else {
    if (tree.leaf !== undefined) throw new SqlPlanUnsupported('the whole document read as a value');
    docColumns = `{${[...tree.children].map(([name, n]) => `${quoteLiteral(name)}: ${quoteLiteral(duckType(n))}`).join(', ')}}`;
    unnest = `SELECT file, false AS doc_control, false AS doc_unknown,
      struct_pack(${[...tree.children.keys()].map((n) => `${q(n)} := ${q(n)}`).join(', ')}) AS r FROM %DOCS%`;
    eventBase = (steps, want) => accessor('ev.r', tree, steps, want);
  }
  const leaf = (path: string, want: Mode): string => {
    const id = `${want}:${path}`;
    let l = leaves.get(id);
    if (l === undefined) {
      l = { alias: `l${leaves.size}`, sql: eventBase(path.split('.'), want) };
      leaves.set(id, l);
    }
    return q(l.alias);
  };

  // Expressions used more than once per row are computed once, in a layer between events and rows.
  const prepared = new Map<string, string>();
  const prepare = (name: string, expr: string) => {
    const id = q(`p_${name.replace(/"/g, '')}`);
    prepared.set(id, expr);
    return id;
  };
  const rr = source.readready;
  const time = leaf(rr.time.path, 'json');
  const eventtime = prepare('eventtime', timestampOf(time, rr.time.format));
  const filtered =
    rr.filters.length === 0
      ? 'false'
      : `NOT (${rr.filters.map((f) => (f.in ? isOneOf(leaf(f.path, 'json'), f.in) : `NOT ${isOneOf(leaf(f.path, 'json'), f.not_in!)}`)).join(' AND ')})`;
  const selects: string[] = [];
  const bads: string[] = [`${eventtime} IS NULL`, 'ev_null'];
  const textColumns: string[] = [];
  for (const col of rr.columns) {
    const alts = alternatives(col).map((alt) => {
      const mode = leafMode(col.type, alt.as);
      const x = leaf(alt.path, mode);
      const cond = Object.entries(alt.when ?? {}).map(([p, v]) =>
        isOneOf(leaf(p, 'json'), Array.isArray(v) ? v : [v]),
      );
      return {
        when: [...cond, `${x} IS NOT NULL`].join(' AND '),
        ...encode(col.type, alt.as, x, mode, prepare, alt.path === rr.time.path ? rr.time.format : undefined),
      };
    });
    const isTime = col.type === 'timestamp' && col.path === rr.time.path && (col.as ?? 'value') === 'value';
    const value = isTime
      ? eventtime
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
    docColumns,
    events(docs) {
      const cols = [...leaves.values()].map((l) => `${l.sql} AS ${q(l.alias)}`);
      const nullCheck = cw ? 'ev.e IS NULL' : 'ev.r IS NULL';
      return `SELECT ev.file, ev.doc_control, ev.doc_unknown, ${nullCheck} AS ev_null${cols.length > 0 ? `, ${cols.join(', ')}` : ''}
        FROM (${unnest.replaceAll('%DOCS%', docs)}) ev`;
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
