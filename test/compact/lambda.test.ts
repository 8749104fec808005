import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCompactHandler } from '../../compact/lambda.ts';
import type { Lake } from '../../lake/lake.ts';
import { tempLake } from '../helpers/tempLake.ts';
import { CT, DAY, partitionCounts, publishFile } from './helpers.ts';

let t: Awaited<ReturnType<typeof tempLake>>;
let lake: Lake;
beforeEach(async () => {
  t = await tempLake();
  lake = t.lake;
  for (const n of [4, 5, 6]) await publishFile(lake, n);
});
afterEach(async () => t.done());

describe('scheduled compaction handler', () => {
  it('compacts the closed days within the lookback', async () => {
    const handler = createCompactHandler(
      async () => lake,
      () => new Date('2026-11-03T03:30:00Z'),
    );
    const r = await handler({ targetMb: 1, graceMinutes: 0, lookbackDays: 1 });
    expect(r).toMatchObject({ compacted: 1, partitions: 1, more: false });
    expect(r.reports).toEqual([
      { table: CT, calendarday: DAY, action: 'compacted', reason: undefined, filesBefore: 3, filesAfter: 1 },
    ]);
    expect(await partitionCounts(lake)).toEqual({ files: 1, rows: 15, distinct: 15 });
  });

  it('leaves today and days before the lookback alone', async () => {
    const today = createCompactHandler(
      async () => lake,
      () => new Date('2026-11-01T12:00:00Z'),
    );
    expect(await today({})).toMatchObject({ partitions: 0, compacted: 0 });
    const late = createCompactHandler(
      async () => lake,
      () => new Date('2026-11-10T03:30:00Z'),
    );
    expect(await late({ lookbackDays: 2 })).toMatchObject({ partitions: 0 });
    expect((await partitionCounts(lake)).files).toBe(3);
  });

  it('stops with `more` when the invocation is out of time, and refuses a bad input', async () => {
    const handler = createCompactHandler(
      async () => lake,
      () => new Date('2026-11-02T03:30:00Z'),
    );
    const r = await handler({}, { getRemainingTimeInMillis: () => 30_000 });
    expect(r).toMatchObject({ partitions: 0, more: true });
    await expect(handler({ targetMb: 0 })).rejects.toThrow(/targetMb/);
  });
});
