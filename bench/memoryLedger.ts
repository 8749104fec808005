import type { Claim, LandedFile, Ledger, ReplayResult, SetAsideBatch } from '../lake/ports.ts';

/** An in-memory landing ledger, so the addapart bench measures the core rather than a database. */
export class MemoryLedger implements Ledger {
  readonly #files = new Map<string, LandedFile>();

  async record(files: LandedFile[]): Promise<number> {
    let added = 0;
    for (const f of files) {
      if (this.#files.has(f.key)) continue;
      this.#files.set(f.key, f);
      added++;
    }
    return added;
  }

  async claim(): Promise<Claim | undefined> {
    return undefined;
  }

  async complete(): Promise<void> {}

  async counts(): Promise<{ pending: number; claimed: number; done: number }> {
    return { pending: this.#files.size, claimed: 0, done: 0 };
  }

  async close(): Promise<void> {}

  // The addapart bench never claims, so nothing fails, is set aside or replayed.
  async fail(): Promise<void> {}

  async listSetAside(): Promise<SetAsideBatch[]> {
    return [];
  }

  async replay(): Promise<ReplayResult> {
    return { batches: [], files: 0 };
  }
}
