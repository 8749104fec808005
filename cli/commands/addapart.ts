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
 * The prefix to backfill, relative to the raw store: `s3://<raw bucket>/<prefix>` or a bare prefix.
 * An `s3://` URL of another bucket is refused rather than silently listing the raw bucket.
 */
export function backfillPrefix(arg: string, rawBucket: string): string {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(arg);
  if (m === null) return arg;
  if (m[1] !== rawBucket) throw new UsageError(`--backfill ${arg}: not in the raw bucket ${rawBucket}`);
  return m[2] ?? '';
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
      `${s.filesRecorded} files recorded for transform; ${s.failedMessages} failed messages`,
  );
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
        const done = await backfill(lake, {
          prefix: backfillPrefix(values.backfill, lake.rawBucket),
          from,
          to,
          startAfter: typeof values['start-after'] === 'string' ? values['start-after'] : undefined,
          batchSize: intOption(values, 'batch-size', 1000) || 1000,
          onProgress: (p) =>
            io.err(`backfill: ${p.listed} listed, ${p.considered} in range, up to ${p.lastKey ?? '-'}`),
        });
        printAddapartStats(io, done.stats);
        for (const f of done.failures.slice(0, 20)) io.err(`  failed ${f.key}: ${f.error}`);
        if (done.failures.length > 0)
          io.err('fix the failures and run the backfill again: registration is idempotent');
        return done.failures.length > 0 ? 1 : 0;
      }
      const batchSize = values['batch-size'] === undefined ? undefined : intOption(values, 'batch-size', 10);
      const stats =
        queue === undefined
          ? await drainQueue(lake, { batchSize })
          : await runPoller(lake, {
              batchSize,
              onBatch: (_b, total) => io.err(`addapart: ${total.messages} messages so far`),
            });
      printAddapartStats(io, stats);
      return stats.failedMessages > 0 ? 1 : 0;
    } finally {
      await lake.close();
    }
  },
};
