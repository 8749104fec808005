import { readdir } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drainQueue } from '../../addapart/drainQueue.ts';
import type { Claim } from '../../lake/ports.ts';
import type { RunManifest } from '../../lake/runManifest.ts';
import { transformContext } from '../../transform/runTransform.ts';
import { parquetSink } from '../../transform/sinks/parquet/parquetSink.ts';
import { type TransformContext, transformBatch } from '../../transform/transformBatch.ts';
import { ctFile, ctKey, ctRecord } from '../helpers/cloudtrailFiles.ts';
import { tempLake } from '../helpers/tempLake.ts';

let t: Awaited<ReturnType<typeof tempLake>>;
beforeEach(async () => {
  t = await tempLake();
  for (let i = 0; i < 9; i++) {
    const records = [ctRecord(), ctRecord({ eventTime: '2026-11-02T01:00:00Z', eventName: `Call${i}` })];
    // A date that does not exist: the SQL decoder sets the file aside for the exact decoder.
    if (i === 5) records.push(ctRecord({ eventTime: '2026-02-30T00:00:00Z' }));
    await t.lake.raw.put(ctKey(`f${i}`), ctFile(records));
  }
  // DuckDB cannot read it at all: quarantined by the exact decoder, in whichever lane it falls.
  await t.lake.raw.put(ctKey('broken'), ctFile('{"Records": [{"eventVersion": "1.09",'));
  await drainQueue(t.lake);
});
afterEach(async () => t.done());

/** The transform context, counting the extra connections it opens and closes. */
function countingContext(): { ctx: TransformContext; opened: number[]; closed: number[] } {
  const base = transformContext(t.lake);
  const opened: number[] = [];
  const closed: number[] = [];
  const connectDuck = async (): Promise<DuckDBConnection> => {
    const duck = await base.connectDuck!();
    const n = opened.push(opened.length);
    const close = duck.closeSync.bind(duck);
    duck.closeSync = () => {
      closed.push(n - 1);
      close();
    };
    return duck;
  };
  return { ctx: { ...base, connectDuck }, opened, closed };
}

/** Every published row of the manifest's outputs, hashed per output, to compare two runs' contents. */
async function contents(m: RunManifest): Promise<Record<string, string>> {
  const engine = await t.lake.openQueryEngine();
  try {
    const out: Record<string, string> = {};
    for (const o of m.outputs) {
      const r = await engine.query('SELECT count(*) AS n, sum(hash(COLUMNS(*))) AS h FROM read_parquet(?)', [
        t.lake.readready.uri(o.key),
      ]);
      out[o.key] = `${r.rows[0]?.n}:${r.rows[0]?.h}`;
    }
    return out;
  } finally {
    await engine.close();
  }
}

const claimAll = async (): Promise<Claim> => (await t.lake.ledger.claim({ maxFiles: 100, maxBytes: 1e9 }))!;

describe('lanes: chunks decoded side by side', () => {
  it('publish exactly what one lane does, quarantines included, on connections of their own', async () => {
    // prepare
    const claim = await claimAll();
    const one = await transformBatch(transformContext(t.lake), claim, { chunkFiles: 2, workers: 1 });
    const oneContents = await contents(one);
    const { ctx, opened, closed } = countingContext();
    // act: the same batch again (it overwrites its own outputs), in three lanes
    const three = await transformBatch(ctx, claim, { chunkFiles: 2, workers: 3 });
    // assess
    expect(opened).toEqual([0, 1]);
    expect(closed.sort()).toEqual([0, 1]);
    expect(three.totals).toEqual(one.totals);
    expect(three.totals).toMatchObject({ files: 10, filesQuarantined: 1, rows: 18, quarantined: 1 });
    expect(three.reconciled).toBe(true);
    expect(three.outputs.map((o) => [o.key, o.rows])).toEqual(one.outputs.map((o) => [o.key, o.rows]));
    // Five chunks of two files: outputs named by chunk, whichever lane wrote them.
    expect(new Set(three.outputs.map((o) => o.key.slice(-12)))).toEqual(
      new Set(['0000.parquet', '0001.parquet', '0002.parquet', '0003.parquet', '0004.parquet']),
    );
    expect(await contents(three)).toEqual(oneContents);
  });

  it('stop at the first failure, close their connections, and leave no scratch behind', async () => {
    // prepare: the write of chunk 1 fails
    const { ctx, opened, closed } = countingContext();
    const writes: number[] = [];
    let failedAt: number | undefined;
    const failing: TransformContext = {
      ...ctx,
      sink: (c) => ({
        begin(batch) {
          const inner = parquetSink(c).begin(batch);
          return {
            async write(rows, chunk) {
              writes.push(chunk);
              if (chunk === 1) {
                failedAt = writes.length;
                throw new Error('disk full while writing chunk 1');
              }
              await inner.write(rows, chunk);
            },
            commit: () => inner.commit(),
          };
        },
      }),
    };
    // act
    const run = transformBatch(failing, await claimAll(), { chunkFiles: 1, workers: 2 });
    // assess
    await expect(run).rejects.toThrow('disk full while writing chunk 1');
    expect(opened).toEqual([0]);
    expect(closed).toEqual([0]);
    // Each lane finishes at most the chunk in hand after the failure: far fewer than all ten.
    expect(writes.length).toBeLessThanOrEqual((failedAt ?? 0) + 2);
    expect(writes.length).toBeLessThan(10);
    expect((await readdir(t.lake.tmpDir)).filter((f) => f.startsWith('batch-'))).toEqual([]);
    expect(await t.lake.catalog.listPartitions('loglake', 'from_cloudtrail_readready')).toEqual([]);
  });
});
