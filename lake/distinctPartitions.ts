import type { PartitionSpec } from './ports.ts';

/** One string per partition value list, for sets and maps (the separator cannot occur in a value). */
export const partitionKey = (values: readonly string[]): string => values.join('\u0001');

/**
 * The distinct partitions of a request, first occurrence kept, and how many repeats were dropped:
 * a catalog counts a repeat within one request as an existing partition.
 */
export function distinctPartitions(partitions: readonly PartitionSpec[]): {
  unique: PartitionSpec[];
  repeats: number;
} {
  const unique = new Map<string, PartitionSpec>();
  for (const p of partitions) {
    const key = partitionKey(p.values);
    if (!unique.has(key)) unique.set(key, p);
  }
  return { unique: [...unique.values()], repeats: partitions.length - unique.size };
}
