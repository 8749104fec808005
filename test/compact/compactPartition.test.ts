import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compactLake, compactPartition, readManifest, sortColumnsFor } from '../../compact/index.ts';
import { literalFilePath } from '../../lake/duckPaths.ts';
import { generation } from '../../lake/generations.ts';
import type { Lake } from '../../lake/lake.ts';
import type { Catalog } from '../../lake/ports.ts';
import { transformContext } from '../../transform/runTransform.ts';
import { tempLake } from '../helpers/tempLake.ts';
import { CT, catalogFiles, DAY, engineRows, overriding, partitionCounts, publishFile } from './helpers.ts';

const SORT = ['eventname', 'eventsource', 'eventtime'];
const MINUTE = 60_000;

let t: Awaited<ReturnType<typeof tempLake>>;
let lake: Lake;
beforeEach(async () => {
  t = await tempLake();
  lake = t.lake;
});
afterEach(async () => t.done());

const ctx = (catalog: Catalog = lake.catalog) => ({ ...transformContext(lake), catalog });

async function keysUnder(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of lake.readready.list(prefix)) keys.push(o.key);
  return keys;
}

describe('compactPartition', () => {
  it('merges small files into one sorted file of a new generation and switches the catalog there', async () => {
    for (const n of [30, 20, 25, 15]) await publishFile(lake, n);
    const before = await partitionCounts(lake);
    expect(before).toEqual({ files: 4, rows: 90, distinct: 90 });

    const r = await compactPartition(ctx(), CT, DAY, SORT, { graceMs: 10 * MINUTE });

    expect(r).toMatchObject({ action: 'compacted', generation: 1, filesBefore: 4, filesAfter: 1, rows: 90 });
    const [part] = await lake.catalog.listPartitions(lake.config.database, CT);
    expect(part?.location).toBe(lake.readready.uri(`${CT}/calendarday=${DAY}/gen=1/`));
    expect(await catalogFiles(lake)).toEqual([`${CT}/calendarday=${DAY}/gen=1/compact-1-0000.parquet`]);
    expect(await partitionCounts(lake)).toEqual({ files: 1, rows: 90, distinct: 90 });
    // Rows in file order follow the sort columns.
    const path = literalFilePath(lake.readready.uri((await catalogFiles(lake))[0]!));
    const rows = (
      await lake.duck.runAndReadAll(
        `SELECT eventname, eventsource, eventtime::VARCHAR FROM read_parquet(${path})`,
      )
    ).getRows();
    const asText = rows.map((row) => row.map(String).join('|'));
    expect(asText).toEqual([...asText].sort());
    const m = await readManifest(lake.readready, generation(CT, DAY, 1));
    expect(m).toMatchObject({
      generation: 1,
      previous: `${CT}/calendarday=${DAY}/`,
      rowsMerged: 90,
      carried: [],
    });
    expect(m?.merged).toHaveLength(4);
    // The old generation stays readable through the grace period.
    expect((await keysUnder(`${CT}/calendarday=${DAY}/part-`)).length).toBe(4);
  });

  it('writes the merged files at the ZSTD level asked for, and refuses one ZSTD does not have', async () => {
    // prepare: two lakes with the same files
    const other = await tempLake();
    try {
      for (const n of [400, 300, 350]) {
        await publishFile(lake, n);
        await publishFile(other.lake, n);
      }
      // act
      const fast = await compactPartition(ctx(), CT, DAY, SORT, { zstdLevel: 1 });
      const small = await compactPartition({ ...transformContext(other.lake) }, CT, DAY, SORT, {
        zstdLevel: 19,
      });
      // assess
      expect(fast).toMatchObject({ action: 'compacted', rows: 1050 });
      expect(small).toMatchObject({ action: 'compacted', rows: 1050 });
      expect(small.bytesAfter).toBeLessThan(fast.bytesAfter);
      for (const n of [20, 30]) await publishFile(other.lake, n);
      await expect(
        compactPartition({ ...transformContext(other.lake) }, CT, DAY, SORT, { zstdLevel: 23, graceMs: 0 }),
      ).rejects.toThrow('the ZSTD level must be an integer from 1 to 22, got 23');
    } finally {
      await other.done();
    }
  });

  it('changes nothing when run again', async () => {
    for (const n of [10, 12, 14]) await publishFile(lake, n);
    await compactPartition(ctx(), CT, DAY, SORT, { graceMs: 0 });
    // The next run collects generation 0 (its grace period is over), then finds nothing to merge.
    await compactPartition(ctx(), CT, DAY, SORT, { graceMs: 0, gcOnly: true });
    const keys = await keysUnder(`${CT}/`);
    expect(keys).toHaveLength(2);
    const again = await compactPartition(ctx(), CT, DAY, SORT, { graceMs: 0 });
    expect(again).toMatchObject({
      action: 'skipped',
      reason: 'already_compact',
      generation: 1,
      filesAfter: 1,
    });
    expect(await keysUnder(`${CT}/`)).toEqual(keys);
    expect(await partitionCounts(lake)).toEqual({ files: 1, rows: 36, distinct: 36 });
  });

  it('leaves a partition with a single file alone', async () => {
    await publishFile(lake, 10);
    const r = await compactPartition(ctx(), CT, DAY, SORT);
    expect(r).toMatchObject({ action: 'skipped', reason: 'already_compact', generation: 0 });
    const [part] = await lake.catalog.listPartitions(lake.config.database, CT);
    expect(part?.location).toBe(lake.readready.uri(`${CT}/calendarday=${DAY}/`));
  });

  it('cuts output files at the target size, and keeps them on the next run', async () => {
    for (let i = 0; i < 6; i++) await publishFile(lake, 400);
    const r = await compactPartition(ctx(), CT, DAY, SORT, {
      targetBytes: 15_000,
      rowGroupRows: 200,
      graceMs: 0,
    });
    expect(r.action).toBe('compacted');
    expect(r.bytesAfter).toBeGreaterThan(15_000);
    expect(r.filesAfter).toBeGreaterThan(1);
    expect(await partitionCounts(lake)).toEqual({ files: r.filesAfter, rows: 2400, distinct: 2400 });
    const again = await compactPartition(ctx(), CT, DAY, SORT, { targetBytes: 15_000, graceMs: 0 });
    expect(again).toMatchObject({ action: 'skipped', reason: 'already_compact' });
  });

  it('deletes the old generation only after the grace period, then compacts again', async () => {
    for (const n of [5, 6]) await publishFile(lake, n);
    let clock = Date.parse('2026-11-02T00:00:00Z');
    const opts = { graceMs: 30 * MINUTE, now: () => new Date(clock) };
    await compactPartition(ctx(), CT, DAY, SORT, opts);
    // New files land in generation 1 now.
    for (const n of [7, 8]) await publishFile(lake, n);
    expect(await catalogFiles(lake)).toHaveLength(3);
    clock += 29 * MINUTE;
    const early = await compactPartition(ctx(), CT, DAY, SORT, opts);
    expect(early).toMatchObject({ action: 'skipped', reason: 'previous_in_grace', gc: { state: 'waiting' } });
    expect(await keysUnder(`${CT}/calendarday=${DAY}/part-`)).toHaveLength(2);
    clock += 2 * MINUTE;
    const gc = await compactPartition(ctx(), CT, DAY, SORT, { ...opts, gcOnly: true });
    expect(gc).toMatchObject({
      action: 'skipped',
      reason: 'gc_only',
      gc: { state: 'collected', deleted: 2 },
    });
    expect(await keysUnder(`${CT}/calendarday=${DAY}/part-`)).toEqual([]);
    const m = await readManifest(lake.readready, generation(CT, DAY, 1));
    expect(m?.collectedAt).toBe(new Date(clock).toISOString());
    const next = await compactPartition(ctx(), CT, DAY, SORT, opts);
    expect(next).toMatchObject({
      action: 'compacted',
      generation: 2,
      filesBefore: 3,
      filesAfter: 1,
      rows: 26,
    });
    expect(await partitionCounts(lake)).toEqual({ files: 1, rows: 26, distinct: 26 });
  });
});

describe('late files during a compaction', () => {
  it('carries over a file published between the listing and the switch', async () => {
    for (const n of [10, 11, 12]) await publishFile(lake, n);
    let late: Awaited<ReturnType<typeof publishFile>> | undefined;
    // The switch is the moment: a transform publishes (into generation 0) just before it.
    const racing: Catalog = overriding(lake.catalog, {
      updatePartitionLocation: async (...args: Parameters<Catalog['updatePartitionLocation']>) => {
        late = await publishFile(lake, 13);
        return lake.catalog.updatePartitionLocation(...args);
      },
    });
    const r = await compactPartition(ctx(racing), CT, DAY, SORT, { graceMs: 0 });
    expect(late?.outputs[0]?.key).toMatch(new RegExp(`^${CT}/calendarday=${DAY}/part-`));
    expect(r).toMatchObject({ action: 'compacted', rows: 33, filesAfter: 2 });
    expect(r.carried).toEqual([late?.outputs[0]?.key.split('/').pop()]);
    expect(await partitionCounts(lake)).toEqual({ files: 2, rows: 46, distinct: 46 });
    expect(await engineRows(lake)).toBe(46);
    // Collecting generation 0 carries nothing twice.
    const gc = await compactPartition(ctx(), CT, DAY, SORT, { graceMs: 0, gcOnly: true });
    expect(gc.gc).toMatchObject({ state: 'collected', deleted: 4, carried: [] });
    expect(await partitionCounts(lake)).toEqual({ files: 2, rows: 46, distinct: 46 });
  });

  it('puts a file published after the switch into the new generation', async () => {
    for (const n of [10, 11]) await publishFile(lake, n);
    const racing: Catalog = overriding(lake.catalog, {
      updatePartitionLocation: async (...args: Parameters<Catalog['updatePartitionLocation']>) => {
        await lake.catalog.updatePartitionLocation(...args);
        await publishFile(lake, 14);
      },
    });
    const r = await compactPartition(ctx(racing), CT, DAY, SORT, { graceMs: 0 });
    expect(r).toMatchObject({ action: 'compacted', rows: 21, carried: [] });
    expect(await catalogFiles(lake)).toHaveLength(2);
    expect(await partitionCounts(lake)).toEqual({ files: 2, rows: 35, distinct: 35 });
    expect(await engineRows(lake)).toBe(35);
  });

  it('rescues a file a slow transform put into the old generation after the carry-over', async () => {
    for (const n of [10, 11]) await publishFile(lake, n);
    // A transform that read the partition's location before the switch and publishes after it.
    const stale = await lake.catalog.listPartitions(lake.config.database, CT);
    const staleCatalog: Catalog = overriding(lake.catalog, { listPartitions: async () => stale });
    let clock = Date.parse('2026-11-02T00:00:00Z');
    const opts = { graceMs: 5 * MINUTE, now: () => new Date(clock) };
    await compactPartition(ctx(), CT, DAY, SORT, opts);
    const slow = await publishFile(lake, 9, staleCatalog);
    expect(slow.outputs[0]?.key).toMatch(new RegExp(`^${CT}/calendarday=${DAY}/part-`));
    // Readers of generation 1 do not see it yet; collecting generation 0 moves it over.
    expect(await partitionCounts(lake)).toEqual({ files: 1, rows: 21, distinct: 21 });
    clock += 6 * MINUTE;
    const gc = await compactPartition(ctx(), CT, DAY, SORT, { ...opts, gcOnly: true });
    expect(gc.gc).toMatchObject({ state: 'collected', deleted: 3 });
    expect(gc.carried).toEqual([slow.outputs[0]?.key.split('/').pop()]);
    expect(await partitionCounts(lake)).toEqual({ files: 2, rows: 30, distinct: 30 });
    expect(await engineRows(lake)).toBe(30);
    // The partition stays where compaction put it: the stale registration did not move it back.
    const [part] = await lake.catalog.listPartitions(lake.config.database, CT);
    expect(part?.location).toBe(lake.readready.uri(`${CT}/calendarday=${DAY}/gen=1/`));
  });
});

describe('compactLake', () => {
  it('compacts the selected table and day with the source sort columns', async () => {
    for (const n of [3, 4]) await publishFile(lake, n);
    const source = lake.sources.find((s) => s.readreadyTable === CT)!;
    expect(sortColumnsFor(source)).toEqual(SORT);
    expect(await compactLake(ctx(), lake.sources, { day: '2026-10-31' })).toEqual([]);
    const reports = await compactLake(ctx(), lake.sources, { table: CT, day: DAY });
    expect(reports.map((r) => [r.table, r.calendarday, r.action])).toEqual([[CT, DAY, 'compacted']]);
    await expect(compactLake(ctx(), lake.sources, { table: 'nope' })).rejects.toThrow(/no readready table/);
  });
});
