import type { QueryEngine } from '../lake/ports.ts';

interface Slot {
  engine: Promise<QueryEngine>;
  users: number;
  stale: boolean;
}

/**
 * Shares one query engine between requests and swaps in a fresh one after a write the engine may not
 * see yet (a table's first object, a new partition). An engine that was swapped out is closed once
 * its last running query is done.
 */
export class EngineHolder {
  #current: Slot | undefined;

  constructor(private readonly open: () => Promise<QueryEngine>) {}

  async use<T>(fn: (engine: QueryEngine) => Promise<T>): Promise<T> {
    if (this.#current === undefined) {
      const engine = this.open();
      this.#current = { engine, users: 0, stale: false };
      engine.catch(() => {
        this.#current = undefined;
      });
    }
    const slot = this.#current;
    slot.users++;
    try {
      return await fn(await slot.engine);
    } finally {
      slot.users--;
      if (slot.stale && slot.users === 0) await closeSlot(slot);
    }
  }

  /** The next query gets a freshly opened engine. */
  async invalidate(): Promise<void> {
    const slot = this.#current;
    this.#current = undefined;
    if (slot === undefined) return;
    slot.stale = true;
    if (slot.users === 0) await closeSlot(slot);
  }

  async close(): Promise<void> {
    await this.invalidate();
  }
}

async function closeSlot(slot: Slot): Promise<void> {
  const engine = await slot.engine.catch(() => undefined);
  await engine?.close();
}
