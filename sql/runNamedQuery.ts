import type { QueryEngine, QueryResult } from '../lake/ports.ts';
import { bindNamedQuery, loadQueryPack, type NamedQuery, namedQuery } from './queryPack.ts';

/**
 * Runs one query of the pack on any engine: named parameters given as text are checked by type and
 * bound positionally (DuckDB `?`, Athena `ExecutionParameters` in order), never spliced.
 */
export async function runNamedQuery(
  engine: QueryEngine,
  name: string,
  given: Readonly<Record<string, string>>,
  pack: readonly NamedQuery[] = loadQueryPack(),
): Promise<QueryResult> {
  const { sql, params } = bindNamedQuery(namedQuery(name, pack), given);
  return engine.query(sql, params);
}
