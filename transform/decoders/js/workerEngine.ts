import { Worker } from 'node:worker_threads';
import { LoglakeError } from '../../../lake/errors.ts';
import type { SourceDefinition } from '../../../sources/loader.ts';
import type { DecodeEngine } from './decodeEngine.ts';
import { type DecodeStages, emptyDecodeStages, type FileOutcome } from './decodeRawFile.ts';
import type { SpoolFile } from './spool.ts';
import type { WorkerData, WorkerReply, WorkerRequest } from './workerProtocol.ts';

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve(o: FileOutcome): void; reject(e: Error): void }>;
  waiting?: (r: WorkerReply) => void;
}

/**
 * Decodes on a pool of worker threads, one per core by default. The main thread only reads bytes
 * and hands them over (transferred, not copied); each worker gunzips, parses, projects and spools
 * its own rows, and the Parquet writer reads all spools of a table and day together.
 */
export class WorkerEngine implements DecodeEngine {
  #seq = 0;
  #stopped = false;
  private constructor(private readonly slots: Slot[]) {}

  static start(opts: {
    workers: number;
    dir: string;
    sources: readonly SourceDefinition[];
    maxUncompressedBytes?: number;
  }): WorkerEngine {
    // A JavaScript boot file registers the TypeScript loader inside the thread, then loads the worker.
    const url = new URL('./decodeWorkerBoot.mjs', import.meta.url);
    const slots: Slot[] = [];
    for (let id = 0; id < opts.workers; id++) {
      const workerData: WorkerData = {
        id,
        dir: opts.dir,
        sources: [...opts.sources],
        maxUncompressedBytes: opts.maxUncompressedBytes,
      };
      const worker = new Worker(url, { workerData });
      const slot: Slot = { worker, pending: new Map() };
      worker.on('message', (r: WorkerReply) => {
        if (r.type === 'decoded' || r.type === 'failed') {
          const p = slot.pending.get(r.seq);
          slot.pending.delete(r.seq);
          if (r.type === 'decoded') p?.resolve(r.outcome);
          else p?.reject(new LoglakeError(`decode worker failed: ${r.message}`, { worker: id }));
        } else {
          slot.waiting?.(r);
        }
      });
      worker.on('error', (err) => {
        for (const p of slot.pending.values())
          p.reject(new LoglakeError('decode worker crashed', { worker: id }, { cause: err }));
        slot.pending.clear();
      });
      slots.push(slot);
    }
    return new WorkerEngine(slots);
  }

  decode(key: string, source: SourceDefinition, bytes: Uint8Array): Promise<FileOutcome> {
    const slot = this.slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const seq = this.#seq++;
    // A private copy can be transferred without detaching a buffer the caller (or a pool) still owns.
    const copy = bytes.slice().buffer;
    return new Promise((resolve, reject) => {
      slot.pending.set(seq, { resolve, reject });
      const req: WorkerRequest = { type: 'decode', seq, key, source: source.name, bytes: copy };
      slot.worker.postMessage(req, [copy]);
    });
  }

  async rotate(): Promise<SpoolFile[]> {
    const replies = await Promise.all(this.slots.map((s) => this.#ask(s, { type: 'rotate' })));
    return replies.flatMap((r) => (r.type === 'rotated' ? r.spools : []));
  }

  async finish(): Promise<{ spools: SpoolFile[]; stages: DecodeStages }> {
    const replies = await Promise.all(this.slots.map((s) => this.#ask(s, { type: 'finish' })));
    await this.#stop();
    const stages = emptyDecodeStages();
    const spools: SpoolFile[] = [];
    for (const r of replies) {
      if (r.type !== 'finished') continue;
      spools.push(...r.spools);
      for (const k of Object.keys(stages) as (keyof DecodeStages)[]) stages[k] += r.stages[k];
    }
    return { spools, stages };
  }

  async abort(): Promise<void> {
    if (this.#stopped) return;
    await Promise.all(this.slots.map((s) => this.#ask(s, { type: 'abort' }).catch(() => undefined)));
    await this.#stop();
  }

  #ask(slot: Slot, req: WorkerRequest): Promise<WorkerReply> {
    return new Promise((resolve) => {
      slot.waiting = resolve;
      slot.worker.postMessage(req);
    });
  }

  async #stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
