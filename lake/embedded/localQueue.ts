import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NotificationQueue, QueueMessage } from '../ports.ts';

interface Stored {
  id: string;
  body: string;
  receiveCount: number;
}

/**
 * A spool folder standing in for SQS: one file per message, received in arrival order. Received
 * messages move to `inflight/` until acked (deleted) or released; an in-flight message whose
 * visibility timeout passed (a crashed consumer) becomes visible again, as on SQS.
 */
export class LocalQueue implements NotificationQueue {
  readonly #ready: string;
  readonly #inflight: string;
  readonly #dead: string;
  #seq = 0;

  /** @param maxReceiveCount as SQS's redrive policy: a message released this often moves to `dead/`. */
  constructor(
    readonly dir: string,
    readonly maxReceiveCount = 3,
  ) {
    this.#ready = join(dir, 'ready');
    this.#inflight = join(dir, 'inflight');
    this.#dead = join(dir, 'dead');
  }

  async send(bodies: string[]): Promise<void> {
    await mkdir(this.#ready, { recursive: true });
    const stamp = Date.now().toString().padStart(15, '0');
    for (const body of bodies) {
      const id = randomUUID();
      const name = `${stamp}-${(this.#seq++).toString().padStart(9, '0')}-${id}.json`;
      const stored: Stored = { id, body, receiveCount: 0 };
      await writeFile(join(this.#ready, `${name}.tmp`), JSON.stringify(stored));
      await rename(join(this.#ready, `${name}.tmp`), join(this.#ready, name));
    }
  }

  async receive(max: number, opts: { visibilitySeconds?: number } = {}): Promise<QueueMessage[]> {
    await this.#reclaimExpired(opts.visibilitySeconds ?? 300);
    const names = (await this.#names(this.#ready)).slice(0, max);
    if (names.length === 0) return [];
    await mkdir(this.#inflight, { recursive: true });
    const out: QueueMessage[] = [];
    for (const name of names) {
      const from = join(this.#ready, name);
      const to = join(this.#inflight, name);
      try {
        await rename(from, to);
      } catch {
        continue; // another consumer took it
      }
      const now = new Date();
      await utimes(to, now, now);
      const stored = JSON.parse(await readFile(to, 'utf8')) as Stored;
      stored.receiveCount++;
      await writeFile(to, JSON.stringify(stored));
      out.push({ messageId: stored.id, body: stored.body, receipt: name, receiveCount: stored.receiveCount });
    }
    return out;
  }

  async ack(messages: QueueMessage[]): Promise<void> {
    for (const m of messages) await rm(join(this.#inflight, m.receipt), { force: true });
  }

  async release(messages: QueueMessage[]): Promise<void> {
    await mkdir(this.#ready, { recursive: true });
    await mkdir(this.#dead, { recursive: true });
    for (const m of messages) {
      const to = m.receiveCount >= this.maxReceiveCount ? this.#dead : this.#ready;
      await rename(join(this.#inflight, m.receipt), join(to, m.receipt));
    }
  }

  /** Messages moved to the dead-letter folder. */
  async deadLetters(): Promise<number> {
    return (await this.#names(this.#dead)).length;
  }

  async depth(): Promise<number> {
    return (await this.#names(this.#ready)).length + (await this.#names(this.#inflight)).length;
  }

  async #reclaimExpired(visibilitySeconds: number): Promise<void> {
    const cutoff = Date.now() - visibilitySeconds * 1000;
    for (const name of await this.#names(this.#inflight)) {
      const path = join(this.#inflight, name);
      const s = await stat(path).catch(() => undefined);
      if (s && s.mtimeMs < cutoff) await rename(path, join(this.#ready, name)).catch(() => undefined);
    }
  }

  async #names(dir: string): Promise<string[]> {
    try {
      return (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }
}
