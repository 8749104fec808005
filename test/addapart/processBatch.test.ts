import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addapartDeps } from '../../addapart/drainQueue.ts';
import { PartitionCache } from '../../addapart/partitionCache.ts';
import { addapartBatch } from '../../addapart/processBatch.ts';
import { s3EventBody } from '../../lake/embedded/notifyingObjectStore.ts';
import type { Lake } from '../../lake/lake.ts';
import { tempLake } from '../helpers/tempLake.ts';

const ctKey = (account: string, day: number, n: number) =>
  `cloudtrail/AWSLogs/o-a1b2c3d4e5/${account}/CloudTrail/eu-west-1/2026/11/${String(day).padStart(2, '0')}/${account}_CloudTrail_eu-west-1_202611${String(day).padStart(2, '0')}T0820Z_File${String(n).padStart(12, '0')}.json.gz`;

let t: Awaited<ReturnType<typeof tempLake>>;
let lake: Lake;
beforeEach(async () => {
  t = await tempLake();
  lake = t.lake;
});
afterEach(async () => t.done());

const msg = (i: number, body: string) => ({ messageId: `m-${i}`, body });

describe('addapartBatch', () => {
  it('registers each distinct partition once, in at most ⌈distinct/100⌉ catalog writes', async () => {
    // 250 distinct partitions (accounts × days), 3 files each.
    const messages = [];
    let i = 0;
    for (let a = 0; a < 25; a++) {
      for (let d = 1; d <= 10; d++) {
        for (let n = 0; n < 3; n++)
          messages.push(msg(i++, s3EventBody('raw', ctKey(String(100000000000 + a), d, n), 100, undefined)));
      }
    }
    const deps = addapartDeps(lake, new PartitionCache());
    const out = await addapartBatch(deps, messages);
    expect(out.failures).toEqual([]);
    expect(out.stats).toMatchObject({
      accepted: 750,
      distinctPartitions: 250,
      partitionsCreated: 250,
      catalogWrites: 3,
      filesRecorded: 750,
    });
    const parts = await lake.catalog.listPartitions('loglake', 'from_cloudtrail_raw');
    expect(parts).toHaveLength(250);
    expect(parts[0]?.location.endsWith('/CloudTrail/eu-west-1/2026/11/01/')).toBe(true);
  });

  it('is idempotent: re-delivery creates no partitions and records no file twice', async () => {
    const messages = [0, 1, 2].map((n) =>
      msg(n, s3EventBody('raw', ctKey('111122223333', 1, n), 100, undefined)),
    );
    const first = await addapartBatch(addapartDeps(lake, new PartitionCache()), messages);
    // A new container (empty cache) gets the same messages again.
    const again = await addapartBatch(addapartDeps(lake, new PartitionCache()), [...messages, ...messages]);
    expect(first.stats).toMatchObject({ partitionsCreated: 1, filesRecorded: 3 });
    expect(again.stats).toMatchObject({ partitionsCreated: 0, partitionsExisting: 1, filesRecorded: 0 });
    expect(await lake.catalog.listPartitions('loglake', 'from_cloudtrail_raw')).toHaveLength(1);
    expect(await lake.ledger.counts()).toEqual({ pending: 3, claimed: 0, done: 0 });
  });

  it('skips the catalog for partitions the warm cache knows', async () => {
    const deps = addapartDeps(lake, new PartitionCache());
    await addapartBatch(deps, [msg(0, s3EventBody('raw', ctKey('111122223333', 1, 0), 1, undefined))]);
    const second = await addapartBatch(deps, [
      msg(1, s3EventBody('raw', ctKey('111122223333', 1, 1), 1, undefined)),
    ]);
    expect(second.stats).toMatchObject({ partitionsCached: 1, catalogWrites: 0, filesRecorded: 1 });
  });

  it('fails only the poison message and registers the rest of its batch', async () => {
    const out = await addapartBatch(addapartDeps(lake), [
      msg(0, s3EventBody('raw', ctKey('111122223333', 1, 0), 1, undefined)),
      msg(1, 'this is not a notification'),
      msg(2, '{"Service":"Amazon S3","Event":"s3:TestEvent"}'),
      msg(
        3,
        s3EventBody(
          'raw',
          'AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2026/11/01/x.json.gz',
          1,
          undefined,
        ),
      ),
      msg(4, s3EventBody('readready', ctKey('111122223333', 2, 0), 1, undefined)),
    ]);
    expect(out.failures.map((f) => f.messageId)).toEqual(['m-1']);
    expect(out.failures[0]?.error.name).toBe('NotificationParseError');
    expect(out.stats).toMatchObject({
      accepted: 1,
      testEvents: 1,
      skipped: { source_skip: 1, recursion_guard: 1 },
      filesRecorded: 1,
    });
  });

  it('fails the messages of a partition the catalog refuses, and only those', async () => {
    const catalog = lake.catalog;
    const deps = {
      ...addapartDeps(lake),
      catalog: {
        ...catalog,
        ensureDatabase: catalog.ensureDatabase.bind(catalog),
        createPartitions: async (
          db: string,
          table: string,
          specs: { values: string[]; location: string }[],
        ) => {
          const bad = specs.filter((s) => s.values[4] === '02');
          const good = specs.filter((s) => s.values[4] !== '02');
          const r = await catalog.createPartitions(db, table, good);
          return {
            ...r,
            failed: bad.map((b) => ({ values: b.values, error: new Error('AccessDeniedException') })),
          };
        },
      },
    };
    const out = await addapartBatch(deps, [
      msg(0, s3EventBody('raw', ctKey('111122223333', 1, 0), 1, undefined)),
      msg(1, s3EventBody('raw', ctKey('111122223333', 2, 0), 1, undefined)),
    ]);
    expect(out.failures.map((f) => f.messageId)).toEqual(['m-1']);
    expect(await lake.ledger.counts()).toEqual({ pending: 1, claimed: 0, done: 0 });
  });
});
