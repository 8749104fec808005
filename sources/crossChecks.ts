/** A mistake found across fields of a definition: where, what, and how to fix it. */
export interface CrossIssue {
  path: (string | number)[];
  message: string;
  hint?: string;
}

type Loose = Record<string, unknown>;
const obj = (v: unknown): Loose =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Loose) : {};
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function compiles(pattern: string | undefined): RegExp | undefined {
  if (pattern === undefined) return undefined;
  try {
    return new RegExp(pattern);
  } catch {
    return undefined;
  }
}

/** The named captures of a regular expression's source, in order. */
export function namedCaptures(pattern: string): string[] {
  return [...pattern.matchAll(/\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g)].map((m) => m[1] as string);
}

/**
 * The checks that tie fields of a definition together (captures named in `partition_keys` exist in
 * `key_pattern`, `lines` framing has a `line_pattern`, …). They read the input defensively, so the
 * loader can run them on a definition that also has type errors and report everything at once.
 */
export function definitionCrossChecks(value: unknown): CrossIssue[] {
  const issues: CrossIssue[] = [];
  const def = obj(value);
  const raw = obj(def.raw);
  const decode = obj(def.decode);
  const readready = obj(def.readready);

  const names = new Set<string>();
  arr(readready.columns).forEach((c, i) => {
    const name = str(obj(c).name);
    if (name === undefined) return;
    if (names.has(name))
      issues.push({
        path: ['readready', 'columns', i, 'name'],
        message: `duplicate column ${name}`,
        hint: 'each readready column needs its own name',
      });
    if (name === 'source_key' || name === 'calendarday')
      issues.push({
        path: ['readready', 'columns', i, 'name'],
        message: `${name} is added by loglake itself`,
        hint: 'remove this column; loglake fills it',
      });
    names.add(name);
  });
  arr(readready.sort_by).forEach((name, i) => {
    if (typeof name !== 'string' || names.has(name) || name === 'source_key') return;
    issues.push({
      path: ['readready', 'sort_by', i],
      message: `no column ${name}`,
      hint: 'sort_by names readready columns (or source_key)',
    });
  });

  const columnTypes = new Map(arr(readready.columns).map((c) => [str(obj(c).name), str(obj(c).type)]));
  const tableNames = new Set([str(raw.table), str(readready.table), `from_${str(def.name)}_raw`]);
  tableNames.add(str(readready.table) ?? `from_${str(def.name)}_readready`);
  arr(readready.extracts).forEach((e, i) => {
    const table = str(obj(e).table);
    if (table !== undefined && tableNames.has(table))
      issues.push({
        path: ['readready', 'extracts', i, 'table'],
        message: `table ${table} is already used by this definition`,
        hint: 'give each extract its own table name, e.g. from_<source>_<subset>',
      });
    tableNames.add(table);
    arr(obj(e).where).forEach((w, j) => {
      const column = str(obj(w).column);
      if (column === undefined) return;
      const type = columnTypes.get(column);
      if (type === 'string') return;
      issues.push({
        path: ['readready', 'extracts', i, 'where', j, 'column'],
        message: type === undefined ? `no column ${column}` : `column ${column} is ${type}, not string`,
        hint: 'an extract condition names a string readready column',
      });
    });
  });

  const keyPattern = str(raw.key_pattern);
  if (keyPattern !== undefined) {
    const captures = new Set(namedCaptures(keyPattern));
    const hint = `key_pattern captures: ${[...captures].join(', ') || 'none'}`;
    const need = (name: unknown, path: (string | number)[]) => {
      if (typeof name !== 'string' || captures.has(name)) return;
      issues.push({ path, message: `key_pattern has no named capture (?<${name}>…)`, hint });
    };
    arr(raw.partition_keys).forEach((k, i) => {
      need(k, ['raw', 'partition_keys', i]);
    });
    need(raw.account_capture, ['raw', 'account_capture']);
    need(raw.region_capture, ['raw', 'region_capture']);
    arr(raw.key_filters).forEach((f, i) => {
      need(obj(f).capture, ['raw', 'key_filters', i, 'capture']);
    });
    const regex = compiles(keyPattern);
    arr(raw.example_keys).forEach((key, i) => {
      if (regex === undefined || typeof key !== 'string' || regex.test(key)) return;
      issues.push({
        path: ['raw', 'example_keys', i],
        message: `example key does not match key_pattern: ${key}`,
        hint: 'run `loglake sources test <definition> <sample> --key <key>` to see the match',
      });
    });
  }

  const framing = str(decode.framing);
  const messageFormat = str(decode.message_format);
  const envelope = str(decode.envelope) ?? 'none';
  const linePattern = str(decode.line_pattern);
  const textual = framing === 'lines' || messageFormat === 'text';
  if (textual && linePattern === undefined) {
    issues.push({
      path: ['decode', 'line_pattern'],
      message: `${framing === 'lines' ? 'framing `lines`' : 'message_format `text`'} needs a line_pattern`,
      hint: 'a regular expression with named captures, e.g. ^(?<version>\\S+) (?<account>\\S+) …',
    });
  }
  if (linePattern !== undefined && !textual) {
    issues.push({
      path: ['decode', 'line_pattern'],
      message: 'line_pattern is only read with framing `lines` or message_format `text`',
      hint: 'set framing: lines, or message_format: text with envelope cloudwatch_logs',
    });
  } else if (linePattern !== undefined && namedCaptures(linePattern).length === 0) {
    issues.push({
      path: ['decode', 'line_pattern'],
      message: 'line_pattern has no named capture, so its events would have no fields',
      hint: 'name each field: (?<srcaddr>\\S+)',
    });
  }
  if (framing === 'lines' && (decode.records !== undefined || envelope !== 'none')) {
    issues.push({
      path: ['decode', 'framing'],
      message: 'framing `lines` reads text: it takes neither `records` nor an envelope',
      hint: 'for text inside CloudWatch Logs envelopes use envelope: cloudwatch_logs with message_format: text',
    });
  }
  if (messageFormat !== undefined && envelope !== 'cloudwatch_logs') {
    issues.push({
      path: ['decode', 'message_format'],
      message: 'message_format only applies to envelope `cloudwatch_logs`',
      hint: 'remove it, or set envelope: cloudwatch_logs',
    });
  }
  if (messageFormat === 'text' && decode.parse_message === true) {
    issues.push({
      path: ['decode', 'parse_message'],
      message: 'parse_message reads the message as JSON; message_format `text` reads it by line_pattern',
      hint: 'keep one of them',
    });
  }
  return issues;
}
