import { errorMessage } from '../lake/errors.ts';
import type { Lake } from '../lake/lake.ts';
import type { QueueMessage } from '../lake/ports.ts';
import { addapartDeps } from './drainQueue.ts';
import { PartitionCache } from './partitionCache.ts';
import {
  type AddapartStats,
  addapartBatch,
  addStats,
  type BatchOutcome,
  emptyAddapartStats,
} from './processBatch.ts';

/** Options of {@link runPoller}; every field has a default. */
export interface PollerOptions {
  /** Stops the poller: the batch in hand is finished (acked or released), then it returns. */
  signal?: AbortSignal;
  /** Stop on SIGINT and SIGTERM as well. Default true. */
  handleSignals?: boolean;
  /** Messages per receive (SQS allows at most 10). Default 10. */
  batchSize?: number;
  /** Long-polling wait. Default 20 s. */
  waitSeconds?: number;
  /** Visibility timeout of received messages, renewed every `visibilitySeconds / 2` while they are worked on. Default 60 s. */
  visibilitySeconds?: number;
  /** Stop after this many batches (tests, one-shot runs). Default unlimited. */
  maxBatches?: number;
  /** Stop when a receive comes back empty (drain, then exit). Default false. */
  stopWhenEmpty?: boolean;
  onBatch?: (stats: AddapartStats, total: AddapartStats) => void;
  /** Called with each batch's failed messages, each named with its reason. */
  onFailures?: (failures: BatchOutcome['failures']) => void;
  /** A receive or ack that fails is logged here and retried after a pause. Default `console.error`. */
  onError?: (err: unknown) => void;
}

/**
 * The long-polling addapart worker outside Lambda (`loglake addapart --queue <url>`), over the same
 * core as the Lambda handler: receive up to 10, keep them invisible while the batch is worked on,
 * ack the successes, release the failures (the queue's redrive policy moves a poison message to
 * its DLQ), until stopped. Stopping (the signal, SIGINT or SIGTERM) aborts a long poll in progress
 * and finishes the batch in hand before returning the totals.
 */
export async function runPoller(lake: Lake, opts: PollerOptions = {}): Promise<AddapartStats> {
  const {
    batchSize = 10,
    waitSeconds = 20,
    visibilitySeconds = 60,
    maxBatches = Number.POSITIVE_INFINITY,
    handleSignals = true,
    onError = (err: unknown) => console.error(JSON.stringify({ level: 'ERROR', message: errorMessage(err) })),
  } = opts;
  const stop = new AbortController();
  const onStop = () => stop.abort();
  opts.signal?.addEventListener('abort', onStop, { once: true });
  if (opts.signal?.aborted) stop.abort();
  if (handleSignals) {
    process.once('SIGINT', onStop);
    process.once('SIGTERM', onStop);
  }
  const deps = addapartDeps(lake, new PartitionCache());
  const total = emptyAddapartStats();
  try {
    for (let batches = 0; batches < maxBatches && !stop.signal.aborted; ) {
      let messages: QueueMessage[];
      try {
        messages = await lake.queue.receive(batchSize, {
          waitSeconds,
          visibilitySeconds,
          signal: stop.signal,
        });
      } catch (err) {
        if (stop.signal.aborted) break;
        onError(err);
        await pause(1000, stop.signal);
        continue;
      }
      if (messages.length === 0) {
        if (opts.stopWhenEmpty) break;
        continue;
      }
      batches++;
      const stats = await processHeld(lake, deps, messages, visibilitySeconds, onError, opts.onFailures);
      addStats(total, stats);
      opts.onBatch?.(stats, total);
    }
  } finally {
    opts.signal?.removeEventListener('abort', onStop);
    if (handleSignals) {
      process.off('SIGINT', onStop);
      process.off('SIGTERM', onStop);
    }
  }
  return total;
}

/** Runs one received batch through addapart while renewing its visibility, then acks and releases. */
async function processHeld(
  lake: Lake,
  deps: ReturnType<typeof addapartDeps>,
  messages: QueueMessage[],
  visibilitySeconds: number,
  onError: (err: unknown) => void,
  onFailures?: (failures: BatchOutcome['failures']) => void,
): Promise<AddapartStats> {
  const heartbeat = setInterval(
    () => void lake.queue.extendVisibility?.(messages, visibilitySeconds).catch(onError),
    (visibilitySeconds * 1000) / 2,
  );
  try {
    const outcome = await addapartBatch(deps, messages);
    const failed = new Set(outcome.failures.map((f) => f.messageId));
    if (outcome.failures.length > 0) onFailures?.(outcome.failures);
    clearInterval(heartbeat);
    await lake.queue.ack(messages.filter((m) => !failed.has(m.messageId)));
    if (failed.size > 0) await lake.queue.release(messages.filter((m) => failed.has(m.messageId)));
    return outcome.stats;
  } catch (err) {
    clearInterval(heartbeat);
    onError(err);
    await lake.queue.release(messages).catch(onError);
    const stats = emptyAddapartStats();
    stats.messages = messages.length;
    stats.failedMessages = messages.length;
    return stats;
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
