import { errorMessage, LoglakeError } from '../lake/errors.ts';
import type { Catalog, LandedFile, Ledger, PartitionSpec } from '../lake/ports.ts';
import type { SourceDefinition } from '../sources/loader.ts';
import { classifyKey } from './classify.ts';
import type { FileFilterConfig } from './filter.ts';
import { isObjectCreated, parseNotification } from './notifications.ts';
import { PartitionCache } from './partitionCache.ts';

/** What addapart needs; the same for the Lambda handler, the poller and the embedded CLI. */
export interface AddapartDeps {
  sources: readonly SourceDefinition[];
  filter: FileFilterConfig;
  catalog: Catalog;
  ledger: Ledger;
  database: string;
  /** The catalog location of a raw partition: `s3://bucket/prefix/` or a folder path. */
  rawLocation(bucket: string, prefix: string): string;
  /** Warm-container cache of registered partitions. */
  cache?: PartitionCache;
  /** Brings `sources` and `filter` up to date with the live configuration, before each batch. */
  refresh?: () => Promise<void>;
}

/** A message as addapart sees it (an SQS record, or an embedded queue message). */
export interface InboundMessage {
  messageId: string;
  body: string;
}

export interface AddapartStats {
  messages: number;
  notices: number;
  accepted: number;
  testEvents: number;
  skipped: Record<string, number>;
  distinctPartitions: number;
  partitionsCreated: number;
  partitionsExisting: number;
  partitionsCached: number;
  catalogWrites: number;
  filesRecorded: number;
  failedMessages: number;
}

export interface BatchOutcome {
  /** Messages to retry; everything else in the batch is done. */
  failures: { messageId: string; error: Error }[];
  stats: AddapartStats;
}

interface Pending {
  messageId: string;
  table: string;
  partitionId: string;
  file: LandedFile;
}

export function emptyAddapartStats(): AddapartStats {
  return {
    messages: 0,
    notices: 0,
    accepted: 0,
    testEvents: 0,
    skipped: {},
    distinctPartitions: 0,
    partitionsCreated: 0,
    partitionsExisting: 0,
    partitionsCached: 0,
    catalogWrites: 0,
    filesRecorded: 0,
    failedMessages: 0,
  };
}

/** Adds `b` into `a` (for totals over many batches). */
export function addStats(a: AddapartStats, b: AddapartStats): AddapartStats {
  for (const [k, v] of Object.entries(b) as [keyof AddapartStats, unknown][]) {
    if (k === 'skipped') {
      for (const [reason, n] of Object.entries(b.skipped)) a.skipped[reason] = (a.skipped[reason] ?? 0) + n;
    } else {
      (a[k] as number) += v as number;
    }
  }
  return a;
}

/**
 * Processes one batch of notifications: parse, filter, register the batch's distinct partitions
 * (one catalog call per table and up to 100 partitions), then record the landed files. A message
 * fails only for its own reasons: a body that does not parse, or a partition of its own that could
 * not be registered. Re-delivery is harmless because partitions and ledger entries are idempotent.
 */
export async function addapartBatch(
  deps: AddapartDeps,
  messages: readonly InboundMessage[],
): Promise<BatchOutcome> {
  await deps.refresh?.();
  const stats = emptyAddapartStats();
  const failed = new Map<string, Error>();
  const pending: Pending[] = [];
  const partitions = new Map<string, { table: string; spec: PartitionSpec }>();
  stats.messages = messages.length;

  for (const message of messages) {
    try {
      const parsed = parseNotification(message.body);
      if (parsed.kind === 'test') {
        stats.testEvents++;
        continue;
      }
      for (const notice of parsed.objects) {
        stats.notices++;
        if (!isObjectCreated(notice)) {
          bump(stats.skipped, 'not_object_created');
          continue;
        }
        const verdict = classifyKey(deps.sources, deps.filter, notice.bucket, notice.key);
        if (verdict.kind === 'skip') {
          bump(stats.skipped, verdict.reason);
          continue;
        }
        stats.accepted++;
        const table = verdict.source.rawTable;
        const partitionId = PartitionCache.keyOf(table, verdict.values);
        if (!partitions.has(partitionId)) {
          const location = deps.rawLocation(notice.bucket, verdict.partitionPrefix);
          partitions.set(partitionId, { table, spec: { values: verdict.values, location } });
        }
        const file: LandedFile = {
          key: notice.key,
          source: verdict.source.name,
          size: notice.size,
          etag: notice.etag,
          partition: verdict.values,
        };
        pending.push({ messageId: message.messageId, table, partitionId, file });
      }
    } catch (err) {
      failed.set(message.messageId, asError(err));
    }
  }

  stats.distinctPartitions = partitions.size;
  const failedPartitions = await registerPartitions(deps, partitions, stats);
  for (const p of pending) {
    const error = failedPartitions.get(p.partitionId);
    if (error !== undefined && !failed.has(p.messageId)) failed.set(p.messageId, error);
  }

  const files = pending.filter((p) => !failed.has(p.messageId)).map((p) => p.file);
  if (files.length > 0) {
    try {
      stats.filesRecorded = await deps.ledger.record(files);
    } catch (err) {
      const error = new LoglakeError(
        `recording landed files failed: ${errorMessage(err)}`,
        {},
        { cause: err },
      );
      for (const p of pending) if (!failed.has(p.messageId)) failed.set(p.messageId, error);
    }
  }
  stats.failedMessages = failed.size;
  return { failures: [...failed].map(([messageId, error]) => ({ messageId, error })), stats };
}

async function registerPartitions(
  deps: AddapartDeps,
  partitions: Map<string, { table: string; spec: PartitionSpec }>,
  stats: AddapartStats,
): Promise<Map<string, Error>> {
  const cache = deps.cache;
  const byTable = new Map<string, { id: string; spec: PartitionSpec }[]>();
  for (const [id, { table, spec }] of partitions) {
    if (cache?.has(table, spec.values)) {
      stats.partitionsCached++;
      continue;
    }
    const list = byTable.get(table) ?? [];
    list.push({ id, spec });
    byTable.set(table, list);
  }
  const failedPartitions = new Map<string, Error>();
  for (const [table, list] of byTable) {
    let result: Awaited<ReturnType<Catalog['createPartitions']>>;
    try {
      result = await deps.catalog.createPartitions(
        deps.database,
        table,
        list.map((p) => p.spec),
      );
    } catch (err) {
      for (const p of list) failedPartitions.set(p.id, asError(err));
      continue;
    }
    stats.partitionsCreated += result.created;
    stats.partitionsExisting += result.existing;
    stats.catalogWrites += result.writeCalls;
    const failedIds = new Map(result.failed.map((f) => [PartitionCache.keyOf(table, f.values), f.error]));
    for (const p of list) {
      const error = failedIds.get(p.id);
      if (error !== undefined) failedPartitions.set(p.id, error);
      else cache?.add(table, p.spec.values);
    }
  }
  return failedPartitions;
}

function bump(counts: Record<string, number>, reason: string): void {
  counts[reason] = (counts[reason] ?? 0) + 1;
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
