import type { DuckDBConnection } from '@duckdb/node-api';
import { distinctPartitions, partitionKey } from '../distinctPartitions.ts';
import type { Catalog, CreatePartitionsResult, PartitionSpec, TableDef } from '../ports.ts';
import { chunk, inTransaction } from './duckdbFile.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS catalog_databases (name VARCHAR PRIMARY KEY);
CREATE TABLE IF NOT EXISTS catalog_tables (
  database VARCHAR, name VARCHAR, definition VARCHAR, updated_at TIMESTAMP, PRIMARY KEY (database, name));
CREATE TABLE IF NOT EXISTS catalog_partitions (
  database VARCHAR, tbl VARCHAR, pkey VARCHAR, pvalues VARCHAR, location VARCHAR, created_at TIMESTAMP,
  PRIMARY KEY (database, tbl, pkey));
`;

/**
 * The embedded catalog: databases, tables and partitions in a DuckDB file, with Glue's semantics
 * (a partition that exists is reported as existing, never duplicated).
 */
export class LocalCatalog implements Catalog {
  /** Catalog write transactions, comparable to Glue write calls. */
  writeCalls = 0;
  private constructor(private readonly db: DuckDBConnection) {}

  static async open(connection: DuckDBConnection): Promise<LocalCatalog> {
    await connection.run(SCHEMA);
    return new LocalCatalog(connection);
  }

  async ensureDatabase(name: string): Promise<void> {
    await this.db.run('INSERT OR IGNORE INTO catalog_databases VALUES (?)', [name]);
  }

  async ensureTable(def: TableDef): Promise<void> {
    await this.db.run('INSERT OR REPLACE INTO catalog_tables VALUES (?, ?, ?, current_timestamp)', [
      def.database,
      def.name,
      JSON.stringify(def),
    ]);
  }

  async getTable(database: string, name: string): Promise<TableDef | undefined> {
    const reader = await this.db.runAndReadAll(
      'SELECT definition FROM catalog_tables WHERE database = ? AND name = ?',
      [database, name],
    );
    const row = reader.getRows()[0];
    return row ? (JSON.parse(String(row[0])) as TableDef) : undefined;
  }

  async listTables(database: string): Promise<TableDef[]> {
    const reader = await this.db.runAndReadAll(
      'SELECT definition FROM catalog_tables WHERE database = ? ORDER BY name',
      [database],
    );
    return reader.getRows().map((r) => JSON.parse(String(r[0])) as TableDef);
  }

  async createPartitions(
    database: string,
    table: string,
    partitions: PartitionSpec[],
  ): Promise<CreatePartitionsResult> {
    const result: CreatePartitionsResult = { created: 0, existing: 0, failed: [], writeCalls: 0 };
    if (partitions.length === 0) return result;
    const { unique, repeats } = distinctPartitions(partitions);
    result.existing += repeats;
    // One transaction per 100 partitions: the same unit of work as one Glue BatchCreatePartition.
    for (const part of chunk(unique, 100)) {
      result.writeCalls++;
      this.writeCalls++;
      await inTransaction(this.db, async () => {
        const keys = part.map((p) => partitionKey(p.values));
        const placeholders = keys.map(() => '?').join(', ');
        const existing = await this.db.runAndReadAll(
          `SELECT pkey FROM catalog_partitions WHERE database = ? AND tbl = ? AND pkey IN (${placeholders})`,
          [database, table, ...keys],
        );
        const seen = new Set(existing.getRows().map((r) => String(r[0])));
        const fresh = part.filter((p) => !seen.has(partitionKey(p.values)));
        result.existing += part.length - fresh.length;
        if (fresh.length === 0) return;
        const values = fresh.map(() => '(?, ?, ?, ?, ?, current_timestamp)').join(', ');
        await this.db.run(
          `INSERT INTO catalog_partitions VALUES ${values}`,
          fresh.flatMap((p) => [
            database,
            table,
            partitionKey(p.values),
            JSON.stringify(p.values),
            p.location,
          ]),
        );
        result.created += fresh.length;
      });
    }
    return result;
  }

  async listPartitions(database: string, table: string): Promise<PartitionSpec[]> {
    const reader = await this.db.runAndReadAll(
      'SELECT pvalues, location FROM catalog_partitions WHERE database = ? AND tbl = ? ORDER BY pkey',
      [database, table],
    );
    return reader
      .getRows()
      .map((r) => ({ values: JSON.parse(String(r[0])) as string[], location: String(r[1]) }));
  }

  async updatePartitionLocation(
    database: string,
    table: string,
    values: string[],
    location: string,
  ): Promise<void> {
    await this.db.run(
      'UPDATE catalog_partitions SET location = ? WHERE database = ? AND tbl = ? AND pkey = ?',
      [location, database, table, partitionKey(values)],
    );
  }
}
