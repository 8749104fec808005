/**
 * Partitions known to exist, kept for the life of a warm Lambda container (or a CLI process), so a
 * busy partition costs one catalog write, not one per file. Bounded: when full it starts over,
 * which only costs a repeat (idempotent) registration.
 */
export class PartitionCache {
  readonly #known = new Set<string>();
  constructor(readonly maxEntries = 100_000) {}

  static keyOf(table: string, values: readonly string[]): string {
    return `${table}\u0000${values.join('\u0000')}`;
  }

  has(table: string, values: readonly string[]): boolean {
    return this.#known.has(PartitionCache.keyOf(table, values));
  }

  add(table: string, values: readonly string[]): void {
    if (this.#known.size >= this.maxEntries) this.#known.clear();
    this.#known.add(PartitionCache.keyOf(table, values));
  }

  get size(): number {
    return this.#known.size;
  }
}
