import { type DuckDBConnection, DuckDBInstance, StatementType } from '@duckdb/node-api';
import { escapeGlob } from '../duckPaths.ts';
import { errorMessage, QueryError } from '../errors.ts';
import type { QueryEngine, QueryResult } from '../ports.ts';
import { quoteLiteral } from '../sqlQuote.ts';
import { createLakeObjects, type LakeObjects } from './lakeObjects.ts';

/** Turns DuckDB's JS values into plain JSON-friendly ones (bigint to number when it fits). */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(-Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value;
  }
  return value;
}

/** Options of {@link DuckDBQueryEngine.open}. */
export interface DuckDBQueryEngineOptions {
  /** DuckDB threads. Default: DuckDB's own (the cores). */
  threads?: number;
  /** DuckDB memory limit. Default `1GB`. */
  memoryLimit?: string;
  /** Where DuckDB spills a large query (otherwise `.tmp` in the working folder). */
  tempDirectory?: string;
}

/**
 * Statement types a user's query may be: SELECT only. EXPLAIN is left out because
 * `EXPLAIN ANALYZE <statement>` runs the statement.
 */
const READ_ONLY = new Set<StatementType>([StatementType.SELECT]);

/**
 * The embedded query engine: DuckDB over the readready Parquet the catalog has published.
 *
 * User SQL never reaches the catalog, the ledger or the raw files: the engine is a DuckDB instance
 * of its own, in memory, holding only views over an explicit list of published Parquet files
 * (escaped, so a key is never a glob), the reconciliation tables and the shared views. Once they
 * exist, file access is switched off except for those files (`enable_external_access = false`,
 * `allowed_paths`) and the configuration is locked, and each call must be exactly one read-only
 * statement, a SELECT: no COPY, EXPLAIN ANALYZE, ATTACH, SET, INSERT or DDL.
 */
export class DuckDBQueryEngine implements QueryEngine {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  /** Opens a fresh in-memory DuckDB with the lake's relations, then locks it down. */
  static async open(objects: LakeObjects, opts: DuckDBQueryEngineOptions = {}): Promise<DuckDBQueryEngine> {
    const { threads, memoryLimit = '1GB', tempDirectory } = opts;
    const instance = await DuckDBInstance.create(':memory:', {
      memory_limit: memoryLimit,
      ...(tempDirectory ? { temp_directory: tempDirectory } : {}),
      ...(threads ? { threads: String(threads) } : {}),
    });
    const connection = await instance.connect();
    try {
      await createLakeObjects(connection, objects);
      // DuckDB checks the path as written (the escaped pattern) and then each file it opens.
      const allowed = [...objects.paths.values()].flat().flatMap((p) => [...new Set([p, escapeGlob(p)])]);
      await connection.run(`SET allowed_paths = [${allowed.map(quoteLiteral).join(', ')}]`);
      await connection.run('SET enable_external_access = false');
      await connection.run('SET lock_configuration = true');
    } catch (err) {
      connection.closeSync();
      instance.closeSync();
      throw err;
    }
    return new DuckDBQueryEngine(instance, connection);
  }

  async query(sql: string, params: readonly (string | number | boolean | null)[] = []): Promise<QueryResult> {
    try {
      const extracted = await this.connection.extractStatements(sql);
      if (extracted.count !== 1) {
        throw new QueryError(`give exactly one SQL statement, got ${extracted.count}`, 'not_one_statement', {
          statements: extracted.count,
        });
      }
      const prepared = await extracted.prepare(0);
      if (!READ_ONLY.has(prepared.statementType)) {
        throw new QueryError(
          `only read-only queries (SELECT) run here, not ${StatementType[prepared.statementType]}`,
          'read_only',
          { statementType: StatementType[prepared.statementType] },
        );
      }
      prepared.bind([...params]);
      const reader = await prepared.runAndReadAll();
      const names = reader.columnNames();
      const types = reader.columnTypes();
      const rows = reader.getRowObjectsJS().map((r) => {
        const out: Record<string, unknown> = {};
        for (const k of names) out[k] = plain(r[k]);
        return out;
      });
      return { columns: names.map((name, i) => ({ name, type: String(types[i]) })), rows };
    } catch (err) {
      if (err instanceof QueryError) throw err;
      throw new QueryError(`query failed: ${errorMessage(err)}`, errorMessage(err), {}, { cause: err });
    }
  }

  async close(): Promise<void> {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
