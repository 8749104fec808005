import type { QueryEngine } from '../lake/ports.ts';

interface Slot {
  engine: Promise<QueryEngine>;
  users: number;
  stale: boolean;
  openedAt: number;
}

/**
 * Shares one query engine between requests and swaps in a fresh one after a write the engine may not
 * see yet (a decision), and once it is `maxAgeMs` old: the embedded engine reads the lake's published
 * files when it opens, so newly transformed data shows within that time. An engine that was swapped
 * out is closed once its last running query is done.
 */
export class EngineHolder {
  #current: Slot | undefined;

  constructor(
    private readonly open: () => Promise<QueryEngine>,
    private readonly maxAgeMs = 30_000,
  ) {}

  async use<T>(fn: (engine: QueryEngine) => Promise<T>): Promise<T> {
    if (
      this.#current !== undefined &&
      Date.now() - this.#current.openedAt >= this.maxAgeMs &&
      this.#current.users === 0
    )
      await this.invalidate();
    if (this.#current === undefined) {
      const engine = this.open();
      this.#current = { engine, users: 0, stale: false, openedAt: Date.now() };
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
