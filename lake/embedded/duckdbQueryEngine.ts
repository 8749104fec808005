import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { SESSION_REVIEW_VIEW } from '../../sql/sessionReview.ts';
import { DUCK_TYPES } from '../duckTypes.ts';
import { errorMessage, QueryError } from '../errors.ts';
import type { QueryEngine, QueryResult, TableDef } from '../ports.ts';
import { quoteIdent, quoteLiteral } from '../sqlQuote.ts';

async function hasParquet(dir: string): Promise<boolean> {
  try {
    const entries = await readdir(dir, { withFileTypes: true, recursive: true });
    return entries.some((e) => e.isFile() && e.name.endsWith('.parquet'));
  } catch {
    return false;
  }
}

/** Turns DuckDB's JS values into plain JSON-friendly ones (bigint to number when it fits). */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(-Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value;
  }
  return value;
}

/**
 * The embedded query engine: DuckDB over the readready Parquet, with one view per catalog table
 * (hive partitioning gives `calendarday`) and the `session_review` view.
 */
export class DuckDBQueryEngine implements QueryEngine {
  private constructor(private readonly connection: DuckDBConnection) {}

  /** Opens a connection and creates the views for the given readready tables. */
  static async open(instance: DuckDBInstance, tables: readonly TableDef[]): Promise<DuckDBQueryEngine> {
    const connection = await instance.connect();
    for (const t of tables.filter((t) => t.format === 'parquet')) {
      const dir = t.location;
      let body: string;
      if (await hasParquet(dir)) {
        const glob = join(dir, '**', '*.parquet');
        // Partition keys keep their catalog types (calendarday is a string, as in Glue), not DuckDB's guess.
        const hiveTypes = t.partitionKeys
          .map((k) => `${quoteIdent(k.name)}: ${quoteLiteral(DUCK_TYPES[k.type])}`)
          .join(', ');
        body =
          `SELECT * FROM read_parquet(${quoteLiteral(glob)}, hive_partitioning = true, ` +
          `hive_types = {${hiveTypes}}, union_by_name = true)`;
      } else {
        // No data yet: an empty view with the contract's columns, so queries still bind.
        const cols = [...t.columns, ...t.partitionKeys].map(
          (c) => `CAST(NULL AS ${DUCK_TYPES[c.type]}) AS ${quoteIdent(c.name)}`,
        );
        body = `SELECT ${cols.join(', ')} WHERE false`;
      }
      await connection.run(`CREATE OR REPLACE TEMP VIEW ${quoteIdent(t.name)} AS ${body}`);
    }
    const names = new Set(tables.map((t) => t.name));
    if (names.has('from_cloudtrail_readready') && names.has('from_cloudwatch_readready')) {
      await connection.run(
        SESSION_REVIEW_VIEW.replace('CREATE OR REPLACE VIEW', 'CREATE OR REPLACE TEMP VIEW'),
      );
    }
    return new DuckDBQueryEngine(connection);
  }

  async query(sql: string, params: readonly (string | number | boolean | null)[] = []): Promise<QueryResult> {
    try {
      const reader = await this.connection.runAndReadAll(sql, [...params]);
      const names = reader.columnNames();
      const types = reader.columnTypes();
      const rows = reader.getRowObjectsJS().map((r) => {
        const out: Record<string, unknown> = {};
        for (const k of names) out[k] = plain(r[k]);
        return out;
      });
      return { columns: names.map((name, i) => ({ name, type: String(types[i]) })), rows };
    } catch (err) {
      throw new QueryError(`query failed: ${errorMessage(err)}`, errorMessage(err), {}, { cause: err });
    }
  }

  async close(): Promise<void> {
    this.connection.closeSync();
  }
}
