import { s3EventBody } from '../lake/embedded/notifyingObjectStore.ts';
import { ConfigError } from '../lake/errors.ts';
import type { Lake } from '../lake/lake.ts';
import type { ObjectInfo } from '../lake/ports.ts';
import { classifyKey } from './classify.ts';
import { addapartDeps } from './drainQueue.ts';
import { PartitionCache } from './partitionCache.ts';
import {
  type AddapartStats,
  addapartBatch,
  addStats,
  emptyAddapartStats,
  type InboundMessage,
} from './processBatch.ts';

/** Options of {@link backfill}. */
export interface BackfillOptions {
  /** The bucket to list: loglake's raw bucket (default) or any configured source bucket. */
  bucket?: string;
  /** Key prefix in that bucket to list (`''` for all). */
  prefix: string;
  /** First day to include, `YYYY-MM-DD` (from the key's year/month/day, else the object's date). */
  from?: string;
  /** Last day to include, `YYYY-MM-DD`. */
  to?: string;
  /** Resume after this key (the `lastKey` of an earlier, interrupted run). */
  startAfter?: string;
  /** Objects per addapart batch. Default 1000 (up to ⌈partitions/100⌉ catalog writes each). */
  batchSize?: number;
  /** Called after each batch; `lastKey` is where to resume from. */
  onProgress?: (progress: BackfillProgress) => void;
}

/** Where a backfill stands. */
export interface BackfillProgress {
  listed: number;
  /** Objects in the date range, sent through addapart. */
  considered: number;
  stats: AddapartStats;
  /** Every key up to and including this one is handled: pass it as `startAfter` to resume. */
  lastKey?: string;
  failures: { key: string; error: string }[];
}

/** The day of an object: from its key's year/month/day captures when its source has them, else its date. */
export function objectDay(
  lake: Pick<Lake, 'sources' | 'filter' | 'rawBucket'>,
  info: ObjectInfo,
  bucket = lake.rawBucket,
): string | undefined {
  const verdict = classifyKey(lake.sources, lake.filter, bucket, info.key);
  if (verdict.kind === 'accept') {
    const keys = verdict.source.raw.partition_keys;
    const at = (name: string) => verdict.values[keys.indexOf(name)];
    const [y, m, d] = [at('year'), at('month'), at('day')];
    if (y && m && d) return `${y}-${m}-${d}`;
  }
  return info.lastModified?.toISOString().slice(0, 10);
}

/**
 * Registers the partitions of objects already in the raw bucket or a source bucket, without a crawler (`loglake
 * addapart --backfill`): lists the prefix (paged, in key order), keeps the objects in the date range,
 * and runs them through {@link addapartBatch} as S3-event-shaped notifications, a batch at a time,
 * so partitions are registered and files recorded exactly as for live notifications. Resumable:
 * `lastKey` after each batch is the `startAfter` of a later run.
 */
export async function backfill(lake: Lake, opts: BackfillOptions): Promise<BackfillProgress> {
  const { batchSize = 1000, bucket = lake.rawBucket } = opts;
  const source = lake.sourceStores.get(bucket);
  if (source === undefined) {
    throw new ConfigError(`backfill: bucket ${bucket} is not a configured source bucket`, {
      bucket,
      setting: 'aws.sourceBuckets',
    });
  }
  const deps = addapartDeps(lake, new PartitionCache());
  const progress: BackfillProgress = { listed: 0, considered: 0, stats: emptyAddapartStats(), failures: [] };
  let batch: InboundMessage[] = [];
  let batchLast: string | undefined;

  const flush = async () => {
    if (batch.length > 0) {
      const outcome = await addapartBatch(deps, batch);
      addStats(progress.stats, outcome.stats);
      for (const f of outcome.failures) progress.failures.push({ key: f.messageId, error: f.error.message });
      batch = [];
    }
    if (batchLast !== undefined) progress.lastKey = batchLast;
    opts.onProgress?.(progress);
  };

  for await (const info of source.store.list(
    opts.prefix,
    opts.startAfter !== undefined ? { startAfter: opts.startAfter } : {},
  )) {
    progress.listed++;
    batchLast = info.key;
    if (opts.from !== undefined || opts.to !== undefined) {
      const day = objectDay(lake, info, bucket);
      if (
        day !== undefined &&
        ((opts.from !== undefined && day < opts.from) || (opts.to !== undefined && day > opts.to))
      ) {
        continue;
      }
    }
    progress.considered++;
    // The message id is the key, so a failure names the object.
    batch.push({ messageId: info.key, body: s3EventBody(bucket, info.key, info.size, info.etag) });
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return progress;
}
