import { createHash } from 'node:crypto';
import type { FileFilterConfig } from '../lake/config.ts';
import { errorMessage, LoglakeError } from '../lake/errors.ts';
import type { Catalog, LandedFile, Ledger, ObjectStore, PartitionSpec } from '../lake/ports.ts';
import type { SourceDefinition } from '../sources/loader.ts';
import { classifyKey } from './classify.ts';
import { isObjectCreated, parseNotification } from './notifications.ts';
import { PartitionCache } from './partitionCache.ts';
import { type AddapartQuarantine, recordAddapartRun } from './runRecord.ts';

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
  /** Where keys quarantined at addapart get their record (`addapart/<hash>.json`); unset: none kept. */
  quarantine?: ObjectStore;
  /** Where each batch's run record goes (`addapart/runs/…`), for `loglake status`; unset: none kept. */
  control?: ObjectStore;
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
  /** Keys quarantined at addapart (they belong to a source but do not fit its pattern), by reason. */
  quarantined: Record<string, number>;
  failedMessages: number;
}

export interface BatchOutcome {
  /** Messages to retry; everything else in the batch is done. */
  failures: { messageId: string; error: Error }[];
  stats: AddapartStats;
  /** The keys quarantined in this batch, each with its reason. */
  quarantined: AddapartQuarantine[];
  /** A few keys per skip reason, so a skip can be traced to its objects. */
  skippedExamples: Record<string, { bucket: string; key: string }[]>;
}

/** Skipped keys kept per reason in a run record: enough to trace a rule, never the whole batch. */
const EXAMPLES_PER_REASON = 5;

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
    quarantined: {},
    failedMessages: 0,
  };
}

/** Adds `b` into `a` (for totals over many batches). */
export function addStats(a: AddapartStats, b: AddapartStats): AddapartStats {
  for (const [k, v] of Object.entries(b) as [keyof AddapartStats, unknown][]) {
    if (k === 'skipped' || k === 'quarantined') {
      for (const [reason, n] of Object.entries(b[k])) a[k][reason] = (a[k][reason] ?? 0) + n;
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
  const quarantined: (AddapartQuarantine & { messageId: string })[] = [];
  const skippedExamples: Record<string, { bucket: string; key: string }[]> = {};
  const skip = (reason: string, bucket: string, key: string) => {
    bump(stats.skipped, reason);
    const list = skippedExamples[reason] ?? [];
    if (list.length < EXAMPLES_PER_REASON) list.push({ bucket, key });
    skippedExamples[reason] = list;
  };
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
          skip('not_object_created', notice.bucket, notice.key);
          continue;
        }
        const verdict = classifyKey(deps.sources, deps.filter, notice.bucket, notice.key);
        if (verdict.kind === 'skip') {
          skip(verdict.reason, notice.bucket, notice.key);
          continue;
        }
        if (verdict.kind === 'quarantine') {
          bump(stats.quarantined, verdict.reason);
          quarantined.push({
            messageId: message.messageId,
            bucket: notice.bucket,
            key: notice.key,
            source: verdict.source,
            reason: verdict.reason,
            message: verdict.message,
          });
          continue;
        }
        stats.accepted++;
        const table = verdict.source.rawTable;
        // `loc` last: one partition per folder, so every landed file lies under a registered location.
        const values = [...verdict.values, verdict.loc];
        const partitionId = PartitionCache.keyOf(table, values);
        if (!partitions.has(partitionId)) {
          const location = deps.rawLocation(notice.bucket, verdict.partitionPrefix);
          partitions.set(partitionId, { table, spec: { values, location } });
        }
        const file: LandedFile = {
          bucket: notice.bucket,
          key: notice.key,
          source: verdict.source.name,
          size: notice.size,
          etag: notice.etag,
          partition: values,
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
  await writeQuarantine(deps, quarantined, failed);
  stats.failedMessages = failed.size;
  const outcome: BatchOutcome = {
    failures: [...failed].map(([messageId, error]) => ({ messageId, error })),
    stats,
    quarantined: quarantined.map(({ messageId: _, ...q }) => q),
    skippedExamples,
  };
  if (deps.control !== undefined) await recordAddapartRun(deps.control, outcome);
  return outcome;
}

/**
 * Keeps a record of each quarantined key before its message is acknowledged; a message whose
 * record could not be written fails, so the key comes back rather than vanishing.
 */
async function writeQuarantine(
  deps: AddapartDeps,
  quarantined: (AddapartQuarantine & { messageId: string })[],
  failed: Map<string, Error>,
): Promise<void> {
  if (deps.quarantine === undefined) return;
  for (const q of quarantined) {
    if (failed.has(q.messageId)) continue;
    try {
      const { messageId: _, ...record } = q;
      await deps.quarantine.put(addapartQuarantineKey(q.bucket, q.key), JSON.stringify(record), {
        contentType: 'application/json',
      });
    } catch (err) {
      failed.set(
        q.messageId,
        new LoglakeError(
          `quarantining ${q.key} failed: ${errorMessage(err)}`,
          { bucket: q.bucket, key: q.key },
          { cause: err },
        ),
      );
    }
  }
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

/** Quarantine record key of a key refused at addapart: deterministic, so a re-delivery overwrites it. */
export function addapartQuarantineKey(bucket: string, key: string): string {
  return `addapart/${createHash('sha256').update(bucket).update('\u0000').update(key).digest('hex').slice(0, 32)}.json`;
}

function bump(counts: Record<string, number>, reason: string): void {
  counts[reason] = (counts[reason] ?? 0) + 1;
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
