import { mkdir } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drainQueue } from '../../addapart/drainQueue.ts';
import type { Lake } from '../../lake/lake.ts';
import type { Claim } from '../../lake/ports.ts';
import { processClaims, type StageHooks } from '../../transform/claimLoop.ts';
import { runTransform, transformContext } from '../../transform/runTransform.ts';
import { stageBatch, type TransformContext } from '../../transform/transformBatch.ts';
import { fixtureText } from '../helpers/fixtures.ts';
import { tempLake } from '../helpers/tempLake.ts';

const ctKey = (n: number) =>
  `AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/01/111122223333_CloudTrail_eu-west-1_20261101T08${String(n).padStart(2, '0')}Z_File${n}.json.gz`;
const RECORDS = 4;

let t: Awaited<ReturnType<typeof tempLake>>;
let lake: Lake;
beforeEach(async () => {
  t = await tempLake({ transform: { maxFiles: 8, maxAttempts: 2 } });
  lake = t.lake;
});
afterEach(async () => t.done());

async function rowsBySourceKey(): Promise<Map<string, number>> {
  const engine = await lake.openQueryEngine();
  try {
    const r = await engine.query(
      'SELECT source_key, count(*)::INTEGER AS n FROM from_cloudtrail_readready GROUP BY source_key',
    );
    return new Map(r.rows.map((row) => [String(row.source_key), Number(row.n)]));
  } finally {
    await engine.close();
  }
}

describe('runTransform with a poison file', () => {
  it('sets aside only the file that cannot be read, and the landings after it flow', async () => {
    // prepare: 6 good files and one whose raw object cannot be read (a folder where a file should be)
    const body = gzipSync(fixtureText('cloudtrail/session-records.json'));
    for (const n of [1, 2, 3, 4, 5, 6]) await lake.raw.put(ctKey(n), body);
    await drainQueue(lake);
    const poison = ctKey(9);
    await mkdir(lake.raw.localPath!(poison)!, { recursive: true });
    await lake.ledger.record([{ bucket: 'raw', key: poison, source: 'cloudtrail', size: 10, partition: [] }]);
    // act
    const first = await runTransform(lake);
    for (const n of [7, 8]) await lake.raw.put(ctKey(n), body);
    await drainQueue(lake);
    const second = await runTransform(lake);
    // assess
    expect(first.failures.length).toBeGreaterThan(0);
    expect(first.totals.files).toBe(6);
    expect(second.totals.files).toBe(2);
    const rows = await rowsBySourceKey();
    expect([...rows.keys()].sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map(ctKey).sort());
    for (const n of rows.values()) expect(n).toBe(RECORDS);
    const aside = await lake.ledger.listSetAside();
    expect(aside.map((b) => b.files.map((f) => f.key))).toEqual([[poison]]);
    expect(aside[0]?.error).toMatch(/EISDIR|directory/i);
  });
});

describe('processClaims', () => {
  /** Six landed files, two per batch. */
  async function sixFiles(): Promise<void> {
    const body = gzipSync(fixtureText('cloudtrail/session-records.json'));
    for (const n of [1, 2, 3, 4, 5, 6]) await lake.raw.put(ctKey(n), body);
    await drainQueue(lake);
  }

  it('claims and stages the next batch while one publishes, and publishes in claim order', async () => {
    // prepare
    await sixFiles();
    const events: string[] = [];
    let nextStaged: () => void = () => undefined;
    // act: each publish waits (up to half a second) for the next batch's stage to begin
    const loop = await processClaims(lake, transformContext(lake), {
      maxFiles: 2,
      maxBytes: 1e9,
      stage: async (ctx, claim) => {
        nextStaged();
        const n = claim.files[0]!.key.match(/File(\d)/)![1];
        events.push(`stage ${n}`);
        const staged = await stageBatch(ctx, claim);
        const overlapped = new Promise<boolean>((resolve) => {
          nextStaged = () => resolve(true);
          setTimeout(() => resolve(false), 500);
        });
        return {
          async publish() {
            const waited = await overlapped;
            events.push(`publish ${n}${waited ? ' after the next stage began' : ''}`);
            return staged.publish();
          },
        };
      },
    });
    // assess
    expect(loop.failures).toEqual([]);
    expect(loop.runs.map((r) => r.inputs?.map((f) => f.key))).toEqual([
      [ctKey(1), ctKey(2)],
      [ctKey(3), ctKey(4)],
      [ctKey(5), ctKey(6)],
    ]);
    expect(events).toEqual([
      'stage 1',
      'stage 3',
      'publish 1 after the next stage began',
      'stage 5',
      'publish 3 after the next stage began',
      'publish 5',
    ]);
    expect(await lake.ledger.counts()).toEqual({ pending: 0, claimed: 0, done: 6 });
    const rows = await rowsBySourceKey();
    expect([...rows.values()]).toEqual(Array(6).fill(RECORDS));
  });

  it('retries a batch whose publish failed while the next one was staged, with every event once', async () => {
    // prepare
    await sixFiles();
    let failedOnce = false;
    // act: the first publish of the batch of files 3 and 4 fails
    const loop = await processClaims(lake, transformContext(lake), {
      maxFiles: 2,
      maxBytes: 1e9,
      stage: async (ctx, claim) => {
        const staged = await stageBatch(ctx, claim);
        const fail = !failedOnce && claim.files[0]!.key === ctKey(3);
        if (fail) failedOnce = true;
        return {
          publish: () => (fail ? Promise.reject(new Error('catalog unavailable')) : staged.publish()),
        };
      },
    });
    // assess
    expect(loop.failures).toEqual([{ batchId: expect.any(String), files: 2, error: 'catalog unavailable' }]);
    expect(loop.runs.map((r) => r.inputs?.[0]?.key).sort()).toEqual([ctKey(1), ctKey(3), ctKey(5)].sort());
    expect(await lake.ledger.counts()).toEqual({ pending: 0, claimed: 0, done: 6 });
    const rows = await rowsBySourceKey();
    expect([...rows.keys()].sort()).toEqual([1, 2, 3, 4, 5, 6].map(ctKey).sort());
    expect([...rows.values()]).toEqual(Array(6).fill(RECORDS));
  });
  it('claims the next batch while the last chunk of this one decodes, and not past the last allowed', async () => {
    // prepare: count the ledger's claims, and flag the one begun while a batch was still staging
    await sixFiles();
    const claim = lake.ledger.claim.bind(lake.ledger);
    let claims = 0;
    let staging = false;
    let claimedWhileStaging = 0;
    lake.ledger.claim = (opts) => {
      claims++;
      if (staging) claimedWhileStaging++;
      return claim(opts);
    };
    const stage = async (ctx: TransformContext, c: Claim, hooks: StageHooks) => {
      staging = true;
      try {
        return await stageBatch(ctx, c, { onDraining: hooks.onDraining });
      } finally {
        staging = false;
      }
    };
    // act: two batches allowed of three
    const loop = await processClaims(lake, transformContext(lake), {
      maxFiles: 2,
      maxBytes: 1e9,
      stage,
      shouldContinue: (begun) => begun < 2,
    });
    // assess: the second claim was made during the first stage; none was made for a third batch
    expect(loop.runs).toHaveLength(2);
    expect(loop.stopped).toBe(true);
    expect(claims).toBe(2);
    expect(claimedWhileStaging).toBe(1);
    expect(await lake.ledger.counts()).toEqual({ pending: 2, claimed: 0, done: 4 });
  });

  it('claims again after a failed stage when the claim made ahead found nothing', async () => {
    // prepare: one batch of two files, whose first stage fails after its lanes drained
    const body = gzipSync(fixtureText('cloudtrail/session-records.json'));
    for (const n of [1, 2]) await lake.raw.put(ctKey(n), body);
    await drainQueue(lake);
    let stages = 0;
    // act
    const loop = await processClaims(lake, transformContext(lake), {
      maxFiles: 2,
      maxBytes: 1e9,
      stage: async (ctx, c, hooks) => {
        const staged = await stageBatch(ctx, c, { onDraining: hooks.onDraining });
        if (++stages === 1) throw new Error('disk full');
        return staged;
      },
    });
    // assess: the claim made ahead held nothing (the only batch was staging), and the batch ran again
    expect(stages).toBe(2);
    expect(loop.failures).toEqual([{ batchId: expect.any(String), files: 2, error: 'disk full' }]);
    expect(loop.runs).toHaveLength(1);
    expect(await lake.ledger.counts()).toEqual({ pending: 0, claimed: 0, done: 2 });
    expect([...(await rowsBySourceKey()).values()]).toEqual([RECORDS, RECORDS]);
  });
});
