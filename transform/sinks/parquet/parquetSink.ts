import { rm } from 'node:fs/promises';
import { type PartitionLocation, partitionLocationFor } from '../../../compact/partitionLocationFor.ts';
import { errorMessage } from '../../../lake/errors.ts';
import type { Catalog, ObjectStore } from '../../../lake/ports.ts';
import type { SourceDefinition } from '../../../sources/loader.ts';
import type { PublishedOutput, ReadreadySink } from '../readreadySink.ts';
import { outputName } from './outputName.ts';
import { extractsByTable, writeExtracts } from './writeExtracts.ts';
import { type ParquetOutput, writeParquet } from './writeParquet.ts';

/** What the Parquet sink writes with and publishes to. */
export interface ParquetSinkContext {
  readready: ObjectStore;
  catalog: Catalog;
  database: string;
  /** The sources of the batch: their readready tables' extracts are written beside each output. */
  sources: readonly SourceDefinition[];
}

/**
 * The readready sink as Hive-partitioned Parquet plus catalog: each chunk becomes one ZSTD Parquet
 * file per table and day (and one per extract of that table with matching rows), written locally
 * by DuckDB. Commit puts every file into its partition's current generation (compaction may have
 * moved the partition; read from the catalog at publish time), named `part-<batchId>-<chunk>`, and
 * registers the partitions.
 */
export function parquetSink(ctx: ParquetSinkContext): ReadreadySink {
  const extracts = extractsByTable(ctx.sources);
  return {
    begin({ batchId, dir }) {
      const written: ParquetOutput[] = [];
      return {
        async write({ spools, sqlRows, duck }, chunk) {
          // The chunk's own connection: its temporary tables live there, and another lane's write
          // may be running on another connection meanwhile.
          const outputs = await writeParquet(duck, spools, dir, { chunk, sqlRows });
          written.push(...outputs, ...(await writeExtracts(duck, outputs, extracts)));
          for (const r of sqlRows)
            if (r.rowsTable !== undefined) await duck.run(`DROP TABLE IF EXISTS ${r.rowsTable}`);
        },

        async commit() {
          written.sort(
            (a, b) =>
              a.table.localeCompare(b.table) ||
              a.calendarday.localeCompare(b.calendarday) ||
              a.chunk - b.chunk,
          );
          const outputs: PublishedOutput[] = [];
          const partitionsByTable = new Map<string, { values: string[]; location: string }[]>();
          const locations = new Map<string, PartitionLocation>();
          for (const o of written) {
            const id = `${o.table}/${o.calendarday}`;
            let at = locations.get(id);
            if (at === undefined) {
              at = await partitionLocationFor(ctx, o.table, o.calendarday);
              locations.set(id, at);
            }
            const key = at.prefix + outputName(batchId, o.chunk);
            await ctx.readready.putFile(key, o.localPath, { contentType: 'application/vnd.apache.parquet' });
            await rm(o.localPath, { force: true });
            outputs.push({ table: o.table, calendarday: o.calendarday, key, rows: o.rows, bytes: o.bytes });
            const list = partitionsByTable.get(o.table) ?? [];
            list.push({ values: [o.calendarday], location: at.location });
            partitionsByTable.set(o.table, list);
          }
          for (const [table, partitions] of partitionsByTable) {
            const result = await ctx.catalog.createPartitions(ctx.database, table, partitions);
            if (result.failed.length > 0) {
              throw new Error(
                `registering readready partitions failed: ${errorMessage(result.failed[0]?.error)}`,
              );
            }
          }
          return outputs;
        },
      };
    },
  };
}
