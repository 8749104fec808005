import { drainQueue } from '../../addapart/drainQueue.ts';
import type { AddapartStats } from '../../addapart/processBatch.ts';
import type { Command } from '../command.ts';
import type { CliIO } from '../io.ts';

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
  usage: 'loglake addapart [--backfill <prefix> [--from YYYY-MM-DD] [--to YYYY-MM-DD]] [--queue <url>]',
  help: [
    '--backfill <prefix>  list existing raw objects under a prefix instead of reading notifications',
    '--from, --to         backfill only keys whose date is in this range (inclusive)',
    '--queue <url>        long-poll this SQS queue until SIGINT/SIGTERM (AWS mode)',
    '--batch-size <n>     messages per batch (default 100 embedded, 10 on SQS)',
  ],
  options: {
    backfill: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    queue: { type: 'string' },
    'batch-size': { type: 'string' },
  },
  async run({ values, io, openLake }) {
    const lake = await openLake();
    try {
      const stats = await drainQueue(lake, {
        batchSize: values['batch-size'] ? Number(values['batch-size']) : undefined,
      });
      printAddapartStats(io, stats);
      return stats.failedMessages > 0 ? 1 : 0;
    } finally {
      await lake.close();
    }
  },
};
