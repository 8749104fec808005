import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { containerLake } from '../lake/containerLake.ts';
import type { Lake } from '../lake/lake.ts';
import { transformContext } from '../transform/runTransform.ts';
import { compactLake } from './compactLake.ts';
import { DEFAULT_ZSTD_LEVEL, type PartitionReport } from './compactPartition.ts';

/** The scheduled event's input (infra/loglake.yaml sets it on the EventBridge target). */
const eventSchema = z.object({
  targetMb: z.number().int().positive().default(256),
  graceMinutes: z
    .number()
    .int()
    .min(0)
    .default(24 * 60),
  /** ZSTD level of the merged files. */
  zstdLevel: z.number().int().min(1).max(22).default(DEFAULT_ZSTD_LEVEL),
  /** Days back from yesterday (UTC) that are compacted: late files keep arriving for a while. */
  lookbackDays: z.number().int().min(0).default(3),
});

/** What one scheduled compaction did. */
export interface CompactInvocationResult {
  compacted: number;
  partitions: number;
  /** It stopped for time with partitions left: the next day's run goes on. */
  more: boolean;
  reports: Pick<
    PartitionReport,
    'table' | 'calendarday' | 'action' | 'reason' | 'filesBefore' | 'filesAfter'
  >[];
}

const dayBefore = (d: Date, n: number) => new Date(d.getTime() - n * 86_400_000).toISOString().slice(0, 10);

/**
 * Builds the compaction handler: compacts the closed days (yesterday and `lookbackDays` before it),
 * collects generations whose grace period has passed, and stops early while 60 s are left.
 */
export function createCompactHandler(lake: () => Promise<Lake>, now: () => Date = () => new Date()) {
  return async (event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>) => {
    const input = eventSchema.parse(typeof event === 'object' && event !== null ? event : {});
    const l = await lake();
    let more = false;
    const keepGoing = () => {
      if ((context?.getRemainingTimeInMillis() ?? Number.POSITIVE_INFINITY) < 60_000) more = true;
      return !more;
    };
    const today = now();
    const reports = await compactLake(
      transformContext(l),
      l.sources,
      { from: dayBefore(today, 1 + input.lookbackDays), to: dayBefore(today, 1), keepGoing },
      {
        targetBytes: input.targetMb * 1024 * 1024,
        graceMs: input.graceMinutes * 60_000,
        zstdLevel: input.zstdLevel,
      },
    );
    return summarise(reports, more);
  };
}

function summarise(reports: PartitionReport[], more: boolean): CompactInvocationResult {
  return {
    compacted: reports.filter((r) => r.action === 'compacted').length,
    partitions: reports.length,
    more,
    reports: reports.map(({ table, calendarday, action, reason, filesBefore, filesAfter }) => ({
      table,
      calendarday,
      action,
      reason,
      filesBefore,
      filesAfter,
    })),
  };
}

/** The Lambda entry point, invoked daily by the schedule in infra/loglake.yaml. */
export const handler = createCompactHandler(containerLake());
