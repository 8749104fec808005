import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addapartDeps } from '../../addapart/drainQueue.ts';
import { PartitionCache } from '../../addapart/partitionCache.ts';
import { addapartBatch, addapartQuarantineKey } from '../../addapart/processBatch.ts';
import { recentAddapartRuns } from '../../addapart/runRecord.ts';
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

  it('quarantines a trail key off the pattern with a record, and names every failed message', async () => {
    const off = 'AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/01/stray.json.gz';
    const out = await addapartBatch(addapartDeps(lake), [
      msg(0, s3EventBody('raw', off, 1, undefined)),
      msg(
        1,
        '{"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"raw"},"object":{"key":"AWSLogs/%E0%A4%A/x"}}}]}',
      ),
      msg(2, s3EventBody('raw', 'random/file.txt', 1, undefined)),
    ]);
    expect(out.stats).toMatchObject({
      notices: 2,
      quarantined: { key_pattern_mismatch: 1 },
      skipped: { no_source: 1 },
    });
    expect(out.quarantined).toEqual([
      expect.objectContaining({
        bucket: 'raw',
        key: off,
        source: 'cloudtrail',
        reason: 'key_pattern_mismatch',
      }),
    ]);
    expect(out.skippedExamples).toEqual({ no_source: [{ bucket: 'raw', key: 'random/file.txt' }] });
    // The key is named in the failure, not just "invalid object key".
    expect(out.failures.map((f) => [f.messageId, f.error.message])).toEqual([
      ['m-1', 'object key is not valid URL encoding: AWSLogs/%E0%A4%A/x'],
    ]);
    // Visible: a quarantine record, and a run record naming the failure.
    const records: string[] = [];
    for await (const o of lake.quarantine.list('addapart/')) records.push(o.key);
    expect(records).toEqual([addapartQuarantineKey('raw', off)]);
    const runs = await recentAddapartRuns(lake.control, 5);
    expect(runs).toHaveLength(1);
    expect(runs[0]?.failures).toEqual([
      { messageId: 'm-1', error: 'object key is not valid URL encoding: AWSLogs/%E0%A4%A/x' },
    ]);
    expect(runs[0]?.stats.quarantined).toEqual({ key_pattern_mismatch: 1 });
    expect(await lake.ledger.counts()).toEqual({ pending: 0, claimed: 0, done: 0 });
  });

  it('fails the message of a key whose quarantine record cannot be written, so it comes back', async () => {
    const off = 'AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/01/stray.json.gz';
    const refusing = {
      ...lake.quarantine,
      put: async () => {
        throw new Error('AccessDenied');
      },
    };
    const out = await addapartBatch(
      { ...addapartDeps(lake), quarantine: refusing as typeof lake.quarantine },
      [
        msg(0, s3EventBody('raw', off, 1, undefined)),
        msg(1, s3EventBody('raw', ctKey('111122223333', 1, 0), 1, undefined)),
      ],
    );
    expect(out.failures.map((f) => f.messageId)).toEqual(['m-0']);
    expect(out.failures[0]?.error.message).toContain(off);
  });

  it('records each landed file with its bucket; the same key in two buckets is two files', async () => {
    const key = ctKey('111122223333', 1, 0);
    const out = await addapartBatch(
      {
        ...addapartDeps(lake),
        filter: {
          ...lake.filter,
          buckets: new Map([
            ['raw', undefined],
            ['other', undefined],
          ]),
        },
      },
      [msg(0, s3EventBody('raw', key, 1, undefined)), msg(1, s3EventBody('other', key, 1, undefined))],
    );
    expect(out.stats).toMatchObject({ accepted: 2, filesRecorded: 2, distinctPartitions: 2 });
    const first = await lake.ledger.claim({ maxFiles: 10, maxBytes: 1e9 });
    // One key once per batch: the other bucket's file waits for the next.
    expect(first?.files.map((f) => f.bucket)).toEqual(['other']);
    await lake.ledger.complete(first!.batchId);
    const second = await lake.ledger.claim({ maxFiles: 10, maxBytes: 1e9 });
    expect(second?.files.map((f) => [f.bucket, f.key])).toEqual([['raw', key]]);
  });
});
