import type { DuckDBConnection } from '@duckdb/node-api';
import type { ListFilter } from '../lake/config.ts';
import type { FileCounts } from '../lake/runManifest.ts';
import { quoteIdent, quoteLiteral } from '../lake/sqlQuote.ts';
import type { ContentFilter, SourceDefinition } from '../sources/loader.ts';

/** The central filter's account and region lists (config `filter`). */
export interface ContentFilterConfig {
  accounts?: ListFilter;
  regions?: ListFilter;
}

const active = (f: ListFilter | undefined): f is ListFilter =>
  f !== undefined && ((f.allow?.length ?? 0) > 0 || (f.deny?.length ?? 0) > 0);

/** The content rules of one source: the filter's lists on the columns its `filter_fields` name. */
export function contentFiltersOf(source: SourceDefinition, config: ContentFilterConfig): ContentFilter[] {
  const fields = source.readready.filter_fields ?? {};
  const out: ContentFilter[] = [];
  const add = (column: string | undefined, list: ListFilter | undefined, reason: ContentFilter['reason']) => {
    if (column !== undefined && active(list))
      out.push({ column, reason, allow: list.allow, deny: list.deny });
  };
  add(fields.account, config.accounts, 'filtered_account');
  add(fields.region, config.regions, 'filtered_region');
  return out;
}

const derived = new WeakMap<readonly SourceDefinition[], { key: string; sources: SourceDefinition[] }>();

/**
 * The sources with the central filter attached as `contentFilters`, so both decoders apply it to
 * every row (Firehose keys carry no account: the key-level filter cannot see it). Files recorded
 * before the filter changed are filtered when they are transformed. Memoised per source list.
 */
export function withContentFilters(
  sources: readonly SourceDefinition[],
  config: ContentFilterConfig,
): readonly SourceDefinition[] {
  const key = JSON.stringify([config.accounts ?? null, config.regions ?? null]);
  const hit = derived.get(sources);
  if (hit?.key === key) return hit.sources;
  const out = sources.map((s) => {
    const filters = contentFiltersOf(s, config);
    return filters.length === 0 ? s : { ...s, contentFilters: filters };
  });
  derived.set(sources, { key, sources: out });
  return out;
}

/**
 * Compiles a source's content rules for the JavaScript projector: given how a column is encoded
 * (a JSON literal, `undefined` for NULL), a function from an event to the skip reason of a refused
 * row, or `undefined` to keep it. A row without the field is kept, as a key without an account is.
 */
export function compileContentFilter(
  filters: readonly ContentFilter[] | undefined,
  columnValue: (name: string) => ((e: Record<string, unknown>) => unknown) | undefined,
): ((e: Record<string, unknown>) => ContentFilter['reason'] | undefined) | undefined {
  if (filters === undefined || filters.length === 0) return undefined;
  const rules = filters.map((f) => {
    const value = columnValue(f.column);
    const allow = f.allow && f.allow.length > 0 ? new Set(f.allow.map((v) => JSON.stringify(v))) : undefined;
    const deny = new Set((f.deny ?? []).map((v) => JSON.stringify(v)));
    return { value, allow, deny, reason: f.reason };
  });
  return (e) => {
    for (const r of rules) {
      const v = r.value?.(e);
      if (typeof v !== 'string') continue;
      if (r.deny.has(v) || (r.allow !== undefined && !r.allow.has(v))) return r.reason;
    }
    return undefined;
  };
}

/** The SQL condition that picks the rows one rule refuses, its values quoted as literals. */
export function refusedCondition(f: ContentFilter): string {
  const col = quoteIdent(f.column);
  const list = (values: readonly string[]) => values.map((v) => quoteLiteral(v)).join(', ');
  const parts: string[] = [];
  if (f.deny && f.deny.length > 0) parts.push(`${col} IN (${list(f.deny)})`);
  if (f.allow && f.allow.length > 0) parts.push(`${col} NOT IN (${list(f.allow)})`);
  return `${col} IS NOT NULL AND (${parts.join(' OR ')})`;
}

/**
 * Applies a source's content rules to the rows DuckDB materialised for a chunk: counts the refused
 * rows per file, deletes them, and moves them from `rows` to `skipped[reason]` in each file's
 * counts, so the run still reconciles. Values are quoted, never spliced.
 */
export async function applyContentFilterSql(
  duck: DuckDBConnection,
  source: SourceDefinition,
  rowsTable: string,
  decoded: Map<string, FileCounts>,
): Promise<void> {
  for (const f of source.contentFilters ?? []) {
    const sql = refusedCondition(f);
    const counts = await duck.runAndReadAll(
      `SELECT file, count(*)::INTEGER AS n FROM ${rowsTable} WHERE ${sql} GROUP BY file`,
    );
    const refused = counts.getRowObjects();
    if (refused.length === 0) continue;
    await duck.run(`DELETE FROM ${rowsTable} WHERE ${sql}`);
    for (const r of refused) {
      const c = decoded.get(String(r.file));
      if (c === undefined) continue;
      const n = Number(r.n);
      c.rows -= n;
      c.skipped[f.reason] = (c.skipped[f.reason] ?? 0) + n;
    }
  }
}
