import { QueryError } from '../lake/errors.ts';

/** A value bound to a placeholder. */
export type ParamValue = string | number | boolean | null;

/**
 * Rewrites `:name` placeholders to positional `?` and lists the values in placeholder order (a name
 * used twice is bound twice), for DuckDB's `?` and Athena's ordered `ExecutionParameters`. Text in
 * string literals, quoted identifiers and comments is left alone, and so is a `::` cast. Every name
 * used must be given; a given name that the SQL does not use is an error too (a typo would otherwise
 * silently widen the answer).
 */
export function toPositional(
  sql: string,
  values: Readonly<Record<string, ParamValue>>,
): { sql: string; params: ParamValue[] } {
  const out: string[] = [];
  const params: ParamValue[] = [];
  const used = new Set<string>();
  const missing = new Set<string>();
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    const two = sql.slice(i, i + 2);
    let end = i + 1;
    if (ch === "'" || ch === '"') {
      end = i + 1;
      for (;;) {
        const close = sql.indexOf(ch, end);
        if (close < 0) {
          end = sql.length;
          break;
        }
        end = close + 1;
        if (sql[end] !== ch) break;
        end++;
      }
    } else if (two === '--') {
      const nl = sql.indexOf('\n', i);
      end = nl < 0 ? sql.length : nl;
    } else if (two === '/*') {
      const close = sql.indexOf('*/', i + 2);
      end = close < 0 ? sql.length : close + 2;
    } else if (two === '::') {
      end = i + 2;
    } else if (ch === ':') {
      const m = /^:([A-Za-z_][A-Za-z0-9_]*)/.exec(sql.slice(i));
      if (m) {
        const name = m[1]!;
        used.add(name);
        if (Object.hasOwn(values, name)) params.push(values[name]!);
        else missing.add(name);
        out.push('?');
        i += m[0].length;
        continue;
      }
    }
    out.push(sql.slice(i, end));
    i = end;
  }
  if (missing.size > 0) {
    const names = [...missing].sort();
    throw new QueryError(`missing parameter ${names.map((n) => `:${n}`).join(', ')}`, 'missing_parameter', {
      missing: names,
    });
  }
  const unused = Object.keys(values).filter((k) => !used.has(k));
  if (unused.length > 0) {
    throw new QueryError(`unknown parameter ${unused.join(', ')}`, 'unknown_parameter', { unknown: unused });
  }
  return { sql: out.join(''), params };
}
