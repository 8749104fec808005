import { readreadyTablesOf, type SourceDefinition } from '../sources/loader.ts';
import {
  type CompactContext,
  type CompactOptions,
  compactPartition,
  type PartitionReport,
} from './compactPartition.ts';
import { sortColumnsFor } from './sortColumns.ts';

/** Which partitions {@link compactLake} works on. */
export interface CompactSelection {
  /** Only this readready table. */
  table?: string;
  /** Only this calendar day (`YYYY-MM-DD`). */
  day?: string;
  /** Only days from this one on (inclusive). */
  from?: string;
  /** Only days up to this one (inclusive). */
  to?: string;
  /** Asked before each partition: `false` stops (a Lambda running out of time). */
  keepGoing?: () => boolean;
}

/** Whether a day is in the selection. */
export const inRange = (d: string, s: CompactSelection): boolean =>
  (s.day === undefined || d === s.day) &&
  (s.from === undefined || d >= s.from) &&
  (s.to === undefined || d <= s.to);

/**
 * Compacts every registered readready partition of the sources (or the selected ones), one after
 * the other, each sorted by its source's sort columns; see {@link compactPartition}.
 */
export async function compactLake(
  ctx: CompactContext,
  sources: readonly SourceDefinition[],
  selection: CompactSelection = {},
  opts: CompactOptions = {},
): Promise<PartitionReport[]> {
  const chosen = sources.flatMap((source) =>
    readreadyTablesOf(source)
      .filter((table) => selection.table === undefined || table === selection.table)
      .map((table) => ({ source, table })),
  );
  if (selection.table !== undefined && chosen.length === 0) {
    throw new Error(`no readready table named ${selection.table}`);
  }
  const reports: PartitionReport[] = [];
  // An extract has its readready table's columns: it is sorted the same way.
  for (const { source, table } of chosen) {
    const days = (await ctx.catalog.listPartitions(ctx.database, table))
      .map((p) => p.values[0])
      .filter((d): d is string => d !== undefined && inRange(d, selection));
    for (const day of days) {
      if (selection.keepGoing?.() === false) return reports;
      reports.push(await compactPartition(ctx, table, day, sortColumnsFor(source), opts));
    }
  }
  return reports;
}
