import type { Catalog, CreatePartitionsResult, PartitionSpec, TableDef } from '../lake/ports.ts';

/** One `createPartitions` call as the catalog saw it. */
export interface CatalogCall {
  table: string;
  partitions: number;
  writes: number;
}

/**
 * An in-memory catalog that counts what addapart asks of it. Each `createPartitions` call costs
 * ⌈partitions/100⌉ writes, like Glue's `BatchCreatePartition` (at most 100 entries per request);
 * the partitions are counted as given, so duplicates a caller failed to remove would show.
 */
export class CountingCatalog implements Catalog {
  readonly calls: CatalogCall[] = [];
  writes = 0;
  readonly #tables = new Map<string, TableDef>();
  readonly #partitions = new Map<string, Map<string, PartitionSpec>>();

  async ensureDatabase(): Promise<void> {}

  async ensureTable(def: TableDef): Promise<void> {
    this.#tables.set(`${def.database}.${def.name}`, def);
  }

  async getTable(database: string, name: string): Promise<TableDef | undefined> {
    return this.#tables.get(`${database}.${name}`);
  }

  async listTables(database: string): Promise<TableDef[]> {
    return [...this.#tables.values()].filter((t) => t.database === database);
  }

  async createPartitions(
    database: string,
    table: string,
    partitions: PartitionSpec[],
  ): Promise<CreatePartitionsResult> {
    const writes = Math.ceil(partitions.length / 100);
    this.calls.push({ table, partitions: partitions.length, writes });
    this.writes += writes;
    const id = `${database}.${table}`;
    const known = this.#partitions.get(id) ?? new Map<string, PartitionSpec>();
    this.#partitions.set(id, known);
    let created = 0;
    for (const p of partitions) {
      const key = p.values.join('\u0000');
      if (known.has(key)) continue;
      known.set(key, p);
      created++;
    }
    return { created, existing: partitions.length - created, failed: [], writeCalls: writes };
  }

  async listPartitions(database: string, table: string): Promise<PartitionSpec[]> {
    return [...(this.#partitions.get(`${database}.${table}`)?.values() ?? [])];
  }

  async updatePartitionLocation(
    database: string,
    table: string,
    values: string[],
    location: string,
  ): Promise<void> {
    const p = this.#partitions.get(`${database}.${table}`)?.get(values.join('\u0000'));
    if (p !== undefined) p.location = location;
  }
}
