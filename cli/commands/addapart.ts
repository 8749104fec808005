import { backfill } from '../../addapart/backfill.ts';
import { drainQueue } from '../../addapart/drainQueue.ts';
import { runPoller } from '../../addapart/poller.ts';
import type { AddapartStats } from '../../addapart/processBatch.ts';
import type { LoglakeConfig } from '../../lake/config.ts';
import { type Command, type CommandContext, intOption } from '../command.ts';
import { type CliIO, UsageError } from '../io.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A day option, checked: `YYYY-MM-DD` or absent. */
function dayOption(values: CommandContext['values'], name: string): string | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !DAY.test(v))
    throw new UsageError(`--${name} must be YYYY-MM-DD, got ${String(v)}`);
  return v;
}

/**
 * The bucket and prefix to backfill: `s3://<bucket>/<prefix>` of the raw bucket or any configured
 * source bucket, or a bare prefix of the raw bucket. An `s3://` URL of a bucket that is not
 * configured is refused rather than silently listing another one.
 */
export function backfillTarget(
  arg: string,
  rawBucket: string,
  buckets: readonly string[] = [rawBucket],
): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(arg);
  if (m === null) return { bucket: rawBucket, prefix: arg };
  const bucket = m[1]!;
  if (!buckets.includes(bucket))
    throw new UsageError(
      `--backfill ${arg}: bucket ${bucket} is neither the raw bucket nor a configured source bucket (${buckets.join(', ')})`,
    );
  return { bucket, prefix: m[2] ?? '' };
}

/** The configuration with `--queue` as the notification queue (AWS mode only). */
function withQueue(config: LoglakeConfig, url: string): LoglakeConfig {
  if (config.mode !== 'aws' || config.aws === undefined)
    throw new UsageError(
      '--queue needs mode aws (set "mode": "aws" in loglake.config.json or LOGLAKE_MODE=aws)',
    );
  return { ...config, aws: { ...config.aws, queues: { ...config.aws.queues, notifications: url } } };
}

export function printAddapartStats(io: CliIO, s: AddapartStats): void {
  const skipped = Object.entries(s.skipped)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  io.out(
    `addapart: ${s.messages} messages, ${s.notices} objects, ${s.accepted} accepted, ${s.testEvents} test events, ` +
      `skipped {${skipped}}; partitions: ${s.distinctPartitions} distinct per batch, ${s.partitionsCreated} created, ` +
      `${s.partitionsExisting} existing, ${s.partitionsCached} cached, ${s.catalogWrites} catalog writes; ` +
      `${s.filesRecorded} files recorded for transform; quarantined {${Object.entries(s.quarantined)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}}; ${s.failedMessages} failed messages`,
  );
}

/** Names each failed message with its reason (the first `max`), so a DLQ entry can be traced. */
export function printFailures(
  io: CliIO,
  failures: readonly { key: string; error: string }[],
  max = 20,
): void {
  for (const f of failures.slice(0, max)) io.err(`  failed ${f.key}: ${f.error}`);
  if (failures.length > max) io.err(`  … and ${failures.length - max} more (see loglake status)`);
}

export const addapart: Command = {
  name: 'addapart',
  summary: 'register partitions of landed files from pending notifications',
  usage:
    'loglake addapart [--backfill <s3://raw-bucket/prefix | prefix> [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--start-after <key>]] [--queue <url>]',
  help: [
    '--backfill <prefix>  list existing raw objects under a prefix instead of reading notifications',
    '--from, --to         backfill only keys whose date is in this range (inclusive)',
    '--start-after <key>  resume a backfill after this key (printed as it goes)',
    '--queue <url>        long-poll this SQS queue until SIGINT/SIGTERM (AWS mode)',
    '--batch-size <n>     messages per batch (default 100 embedded, 10 on SQS)',
  ],
  options: {
    backfill: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    queue: { type: 'string' },
    'start-after': { type: 'string' },
    'batch-size': { type: 'string' },
  },
  async run({ values, io, openLake, config }) {
    const from = dayOption(values, 'from');
    const to = dayOption(values, 'to');
    if ((from !== undefined || to !== undefined) && values.backfill === undefined)
      throw new UsageError('--from and --to apply to --backfill only');
    const queue = typeof values.queue === 'string' ? values.queue : undefined;
    const lake = await openLake(queue === undefined ? undefined : withQueue(config(), queue));
    try {
      if (typeof values.backfill === 'string') {
        const target = backfillTarget(
          values.backfill,
          lake.rawBucket,
          lake.sourceStores.list().map((b) => b.bucket),
        );
        const done = await backfill(lake, {
          ...target,
          from,
          to,
          startAfter: typeof values['start-after'] === 'string' ? values['start-after'] : undefined,
          batchSize: intOption(values, 'batch-size', 1000) || 1000,
          onProgress: (p) =>
            io.err(`backfill: ${p.listed} listed, ${p.considered} in range, up to ${p.lastKey ?? '-'}`),
        });
        printAddapartStats(io, done.stats);
        printFailures(io, done.failures);
        if (done.failures.length > 0)
          io.err('fix the failures and run the backfill again: registration is idempotent');
        return done.failures.length > 0 ? 1 : 0;
      }
      const batchSize = values['batch-size'] === undefined ? undefined : intOption(values, 'batch-size', 10);
      const onFailures = (failures: { messageId: string; error: Error }[]) =>
        printFailures(
          io,
          failures.map((f) => ({ key: `message ${f.messageId}`, error: f.error.message })),
        );
      const stats =
        queue === undefined
          ? await drainQueue(lake, { batchSize, onFailures })
          : await runPoller(lake, {
              batchSize,
              onFailures,
              onBatch: (_b, total) => io.err(`addapart: ${total.messages} messages so far`),
            });
      printAddapartStats(io, stats);
      return stats.failedMessages > 0 ? 1 : 0;
    } finally {
      await lake.close();
    }
  },
};
