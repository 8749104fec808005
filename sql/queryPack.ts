import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { QueryError } from '../lake/errors.ts';
import { type ParamValue, toPositional } from './namedParams.ts';

/** Types a pack parameter can declare; values arrive as text (CLI, API) and are checked by type. */
export type PackParamType = 'string' | 'day' | 'timestamp' | 'integer';

export interface PackParam {
  name: string;
  type: PackParamType;
  description: string;
}

/** One query of the pack (`sql/queries/<name>.sql`). */
export interface NamedQuery {
  name: string;
  /** What the query answers (the header's first comment lines). */
  description: string;
  params: PackParam[];
  /** The SQL with `:name` placeholders, header included. */
  sql: string;
  /** Tables and views it reads, from the header's `-- reads:` line. */
  reads: string[];
}

/** The folder of the pack's `.sql` files. */
export const QUERY_PACK_DIR = join(fileURLToPath(new URL('.', import.meta.url)), 'queries');

const TYPES = new Set<PackParamType>(['string', 'day', 'timestamp', 'integer']);

/**
 * Parses one pack file. The header is the leading `--` comment block: free text says what the
 * query answers, `-- @param <name> <type> <description>` declares each parameter and
 * `-- reads: a, b` names the tables and views it reads. Every `:name` in the SQL must be declared.
 */
export function parseNamedQuery(name: string, text: string): NamedQuery {
  const header: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('--')) break;
    header.push(line.replace(/^--\s?/, ''));
  }
  const params: PackParam[] = [];
  const description: string[] = [];
  let reads: string[] = [];
  for (const line of header) {
    const p = /^@param\s+([a-z_][a-z0-9_]*)\s+(\S+)\s*(.*)$/.exec(line);
    if (p) {
      const type = p[2] as PackParamType;
      if (!TYPES.has(type)) throw new QueryError(`${name}: unknown parameter type ${p[2]}`, 'bad_pack');
      params.push({ name: p[1]!, type, description: p[3]!.trim() });
    } else if (line.startsWith('reads:')) {
      reads = line
        .slice('reads:'.length)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    } else if (line.trim() !== '') description.push(line.trim());
  }
  if (description.length === 0) throw new QueryError(`${name}: header comment missing`, 'bad_pack');
  // Binding every declared name proves the SQL uses exactly the declared parameters.
  toPositional(text, Object.fromEntries(params.map((p) => [p.name, null])));
  return { name, description: description.join(' '), params, sql: text, reads };
}

let cached: NamedQuery[] | undefined;

/** Every query of the pack, by name. */
export function loadQueryPack(dir: string = QUERY_PACK_DIR): NamedQuery[] {
  if (dir === QUERY_PACK_DIR && cached) return cached;
  const pack = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => parseNamedQuery(basename(f, '.sql'), readFileSync(join(dir, f), 'utf8')));
  if (dir === QUERY_PACK_DIR) cached = pack;
  return pack;
}

/** One query of the pack; a clear error lists the names when there is none by that name. */
export function namedQuery(name: string, pack: readonly NamedQuery[] = loadQueryPack()): NamedQuery {
  const q = pack.find((x) => x.name === name);
  if (!q) {
    throw new QueryError(
      `no query named ${name} in the pack (loglake queries lists them: ${pack.map((x) => x.name).join(', ')})`,
      'unknown_query',
      { name },
    );
  }
  return q;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(:\d{2}(\.\d{1,9})?)?Z?$/;

/** Checks and normalises one text value to its declared type (timestamps to `YYYY-MM-DD HH:MM:SS.fff`). */
export function coerceParam(q: NamedQuery, p: PackParam, raw: string): ParamValue {
  const bad = (want: string) =>
    new QueryError(
      `${q.name}: --param ${p.name} must be ${want}, got ${JSON.stringify(raw)}`,
      'invalid_parameter',
      {
        query: q.name,
        param: p.name,
      },
    );
  switch (p.type) {
    case 'string':
      return raw;
    case 'integer': {
      if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) throw bad('an integer');
      return Number(raw);
    }
    case 'day': {
      if (!DAY.test(raw) || Number.isNaN(Date.parse(`${raw}T00:00:00Z`))) throw bad('a day YYYY-MM-DD');
      return raw;
    }
    case 'timestamp': {
      const m = TIME.exec(raw);
      const iso = m ? `${m[1]}T${m[2]}${m[3] ?? ':00'}Z` : '';
      const t = Date.parse(iso);
      if (!m || Number.isNaN(t)) throw bad('a UTC time YYYY-MM-DD HH:MM[:SS]');
      // Both engines cast this form to TIMESTAMP the same way (Trino has no `T` or `Z` in a cast).
      return new Date(t).toISOString().replace('T', ' ').replace('Z', '');
    }
  }
}

/**
 * Binds a pack query's parameters, given as text by name: every declared parameter is required,
 * each is checked by type, and the SQL comes back with positional `?` and its ordered values.
 */
export function bindNamedQuery(
  q: NamedQuery,
  given: Readonly<Record<string, string>>,
): { sql: string; params: ParamValue[] } {
  const values: Record<string, ParamValue> = {};
  for (const p of q.params) {
    const raw = given[p.name];
    if (raw === undefined) {
      throw new QueryError(
        `${q.name}: missing --param ${p.name}=<${p.type}> (${p.description})`,
        'missing_parameter',
        {
          query: q.name,
          param: p.name,
        },
      );
    }
    values[p.name] = coerceParam(q, p, raw);
  }
  for (const k of Object.keys(given)) {
    if (!q.params.some((p) => p.name === k)) {
      throw new QueryError(
        `${q.name}: unknown parameter ${k} (it takes ${q.params.map((p) => p.name).join(', ') || 'none'})`,
        'unknown_parameter',
        { query: q.name, param: k },
      );
    }
  }
  return toPositional(q.sql, values);
}

/** Parses `name=value` pairs (CLI `--param`), splitting at the first `=`. */
export function parseParamPairs(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0)
      throw new QueryError(`--param must be name=value, got ${JSON.stringify(pair)}`, 'invalid_parameter');
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}
