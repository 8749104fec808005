import { generation, generationOfLocation } from '../lake/generations.ts';
import type { Catalog, ObjectStore } from '../lake/ports.ts';

/** What {@link partitionLocationFor} reads. */
export interface PartitionLocationContext {
  catalog: Catalog;
  database: string;
  readready: ObjectStore;
}

/** Where new files of a partition go now. */
export interface PartitionLocation {
  /** Key prefix in the readready store, ending in `/`. */
  prefix: string;
  /** The catalog location (a URI) of that prefix. */
  location: string;
}

/**
 * The current generation of a readready partition, read from the catalog at publish time, so a
 * transform publishing while a compaction switches the partition lands in a generation compaction
 * will carry over (DESIGN §9). A partition not registered yet goes to its own folder (generation 0);
 * the caller registers it.
 */
export async function partitionLocationFor(
  ctx: PartitionLocationContext,
  table: string,
  calendarday: string,
): Promise<PartitionLocation> {
  const partitions = await ctx.catalog.listPartitions(ctx.database, table);
  const found = partitions.find((p) => p.values.length === 1 && p.values[0] === calendarday);
  const gen =
    found === undefined
      ? generation(table, calendarday, 0)
      : generationOfLocation(ctx.readready, table, calendarday, found.location);
  return { prefix: gen.prefix, location: ctx.readready.uri(gen.prefix) };
}
