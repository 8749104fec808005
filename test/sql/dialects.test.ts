import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createViewSql, VIEWS } from '../../lake/views.ts';
import { loadQueryPack, toPositional } from '../../sql/index.ts';

const SCRIPT = fileURLToPath(new URL('../../scripts/parse-trino.py', import.meta.url));

/** The Python that has sqlglot: the one on PATH, or Debian's (python3-sqlglot). */
function sqlglotPython(): string {
  for (const py of [process.env.LOGLAKE_PYTHON, 'python3', '/usr/bin/python3']) {
    if (!py) continue;
    try {
      execFileSync(py, ['-c', 'import sqlglot'], { stdio: 'ignore' });
      return py;
    } catch {}
  }
  throw new Error(
    'no python3 with sqlglot: run scripts/ensure-test-tools.sh (apt-get install python3-sqlglot)',
  );
}

type Parsed = Record<string, { error: string | null; functions: string[] }>;
function parseTrino(statements: Record<string, string>): Parsed {
  const out = execFileSync(sqlglotPython(), [SCRIPT], {
    input: JSON.stringify(statements),
    encoding: 'utf8',
  });
  return JSON.parse(out) as Parsed;
}

/**
 * Functions that Trino (Athena engine 3) and DuckDB both have with the same meaning for the
 * arguments used. `json_extract_scalar` is Trino's; DuckDB gets it as a macro (lakeObjects.ts).
 */
const SHARED_FUNCTIONS = new Set([
  'cast',
  'coalesce',
  'count',
  'json_extract_scalar',
  'max',
  'min',
  'min_by',
  'substr',
]);

/** DuckDB-only syntax that sqlglot's Trino reader would accept or misread. */
const DUCKDB_ONLY: [RegExp, string][] = [
  [/::/, 'a :: cast'],
  [/\bGROUP\s+BY\s+ALL\b/i, 'GROUP BY ALL (a grouping-set quantifier in Trino)'],
  [/\bEXCLUDE\b|\bREPLACE\s*\(/i, 'SELECT * EXCLUDE/REPLACE'],
  [/\bQUALIFY\b/i, 'QUALIFY'],
  [/\bILIKE\b/i, 'ILIKE'],
  [/^\s*FROM\b|\(\s*FROM\b|\bAS\s+FROM\b/i, 'FROM-first SELECT'],
  [/"[^"]*"\s*=|=\s*"[^"]*"/, 'a double-quoted string (an identifier in both)'],
];

function statements(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of VIEWS) out[`view ${v.name}`] = createViewSql(v);
  for (const q of loadQueryPack()) {
    out[`query ${q.name}`] = toPositional(q.sql, Object.fromEntries(q.params.map((p) => [p.name, null]))).sql;
  }
  return out;
}

describe('the shared SQL is in the subset Athena (Trino) and DuckDB share', () => {
  it('parses every view and pack query as exactly one Trino statement, using only shared functions', () => {
    const all = statements();
    const parsed = parseTrino(all);
    expect(Object.keys(parsed).sort()).toEqual(Object.keys(all).sort());
    for (const [name, r] of Object.entries(parsed)) {
      expect(r.error, name).toBeNull();
      for (const f of r.functions) expect(SHARED_FUNCTIONS.has(f), `${name}: function ${f}`).toBe(true);
    }
  });

  it('uses no DuckDB-only syntax', () => {
    for (const [name, sql] of Object.entries(statements())) {
      const body = sql.replace(/--.*$/gm, '');
      for (const [re, what] of DUCKDB_ONLY) expect(re.test(body), `${name}: ${what}`).toBe(false);
    }
  });

  it('the checks catch what they are for', () => {
    const parsed = parseTrino({
      exclude: 'SELECT * EXCLUDE (a) FROM t',
      two: 'SELECT 1; SELECT 2',
      fn: "SELECT json_extract_string(j, '$.a') FROM t",
    });
    expect(parsed.exclude?.error).not.toBeNull();
    expect(parsed.two?.error).not.toBeNull();
    expect(parsed.fn?.functions.some((f) => !SHARED_FUNCTIONS.has(f))).toBe(true);
    expect(DUCKDB_ONLY.some(([re]) => re.test('SELECT x::int FROM t'))).toBe(true);
    expect(DUCKDB_ONLY.some(([re]) => re.test('SELECT a FROM t GROUP BY ALL'))).toBe(true);
    expect(DUCKDB_ONLY.some(([re]) => re.test('CREATE VIEW v AS FROM t'))).toBe(true);
  });
});
