import type { SourceDefinition } from '../sources/loader.ts';

/** Sort orders for the built-in sources, chosen for the auditors' usual filters. */
const DEFAULT_SORT: Record<string, readonly string[]> = {
  cloudtrail: ['eventname', 'eventsource', 'eventtime'],
  cloudwatch: ['loggroup', 'sessionid', 'eventtime'],
};

/**
 * The columns compaction sorts a partition's rows by: the source's `readready.sort_by`, else the
 * built-in default of its name, else `eventtime` when the table has it. Sorted files let Parquet's
 * row-group statistics skip most of a day for a filter on the leading columns.
 */
export function sortColumnsFor(source: SourceDefinition): string[] {
  const columns = new Set(source.readready.columns.map((c) => c.name));
  const chosen = source.readready.sort_by ?? DEFAULT_SORT[source.name] ?? ['eventtime'];
  return chosen.filter((c) => columns.has(c) || c === 'source_key');
}
