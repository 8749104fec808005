import type { Lake } from '../lake/lake.ts';
import { PartitionCache } from './partitionCache.ts';
import {
  type AddapartStats,
  addapartBatch,
  addStats,
  type BatchOutcome,
  emptyAddapartStats,
} from './processBatch.ts';

export interface DrainOptions {
  /** Messages per batch (SQS gives at most 10 per receive; the embedded spool is not limited). */
  batchSize?: number;
  onProgress?: (stats: AddapartStats) => void;
  /** Called with each batch's failed messages, each named with its reason. */
  onFailures?: (failures: BatchOutcome['failures']) => void;
}

/** Deps for {@link addapartBatch} from a lake. */
export function addapartDeps(lake: Lake, cache = new PartitionCache()) {
  return {
    sources: lake.sources,
    filter: lake.filter,
    catalog: lake.catalog,
    ledger: lake.ledger,
    database: lake.config.database,
    rawLocation: lake.rawLocation,
    cache,
    quarantine: lake.quarantine,
    control: lake.control,
  };
}

/**
 * Processes queued notifications until the queue is empty: the embedded `loglake addapart`. Each
 * batch is acked except its failed messages, which go back to the queue (and, after the queue's
 * maximum receive count, to its dead-letter queue).
 */
export async function drainQueue(lake: Lake, opts: DrainOptions = {}): Promise<AddapartStats> {
  const { batchSize = 100 } = opts;
  const deps = addapartDeps(lake);
  const total = emptyAddapartStats();
  for (;;) {
    const messages = await lake.queue.receive(batchSize, { waitSeconds: 0 });
    if (messages.length === 0) break;
    const outcome = await addapartBatch(deps, messages);
    const failed = new Set(outcome.failures.map((f) => f.messageId));
    if (outcome.failures.length > 0) opts.onFailures?.(outcome.failures);
    await lake.queue.ack(messages.filter((m) => !failed.has(m.messageId)));
    await lake.queue.release(messages.filter((m) => failed.has(m.messageId)));
    addStats(total, outcome.stats);
    opts.onProgress?.(total);
  }
  return total;
}
