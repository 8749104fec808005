import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drainQueue } from '../../addapart/drainQueue.ts';
import { DECODER_NAMES } from '../../transform/decoders/index.ts';
import { transformContext } from '../../transform/runTransform.ts';
import { parquetSink } from '../../transform/sinks/parquet/parquetSink.ts';
import type { ReadreadySink } from '../../transform/sinks/readreadySink.ts';
import { type TransformContext, transformBatch } from '../../transform/transformBatch.ts';
import { ctFile, ctKey, ctRecord } from '../helpers/cloudtrailFiles.ts';
import { tempLake } from '../helpers/tempLake.ts';

let t: Awaited<ReturnType<typeof tempLake>>;
beforeEach(async () => {
  t = await tempLake();
  for (const name of ['s1', 's2', 's3'])
    await t.lake.raw.put(ctKey(name), ctFile([ctRecord(), ctRecord({ eventTime: '2026-11-02T01:00:00Z' })]));
  await drainQueue(t.lake);
});
afterEach(async () => t.done());

/** A sink adapter that records how the batch drives the port, and hands the rows to the Parquet sink. */
function recordingSink(calls: string[]): (ctx: TransformContext) => ReadreadySink {
  return (ctx) => ({
    begin(batch) {
      calls.push(`begin ${batch.batchId.length > 0}`);
      const inner = parquetSink(ctx).begin(batch);
      return {
        async write(rows, chunk) {
          calls.push(`write ${chunk}: ${rows.spools.length + rows.sqlRows.length > 0}`);
          await inner.write(rows, chunk);
        },
        async commit() {
          calls.push('commit');
          return inner.commit();
        },
      };
    },
  });
}

describe('the readready sink port', () => {
  it.each(DECODER_NAMES.map((name) => [name]))(
    'is driven begin, one write per chunk in order, commit; its outputs are the manifest (%s decoder)',
    async (engine) => {
      // prepare
      const calls: string[] = [];
      const ctx = { ...transformContext(t.lake), sink: recordingSink(calls) };
      const claim = (await t.lake.ledger.claim({ maxFiles: 10, maxBytes: 1e9 }))!;
      // act
      const m = await transformBatch(ctx, claim, { chunkFiles: 1, engine });
      // assess
      expect(calls).toEqual(['begin true', 'write 0: true', 'write 1: true', 'write 2: true', 'commit']);
      expect(m.outputs.map((o) => o.key.replace(claim.batchId, 'B'))).toEqual([
        ...[0, 1, 2].map((c) => `from_cloudtrail_readready/calendarday=2026-11-01/part-B-000${c}.parquet`),
        ...[0, 1, 2].map((c) => `from_cloudtrail_readready/calendarday=2026-11-02/part-B-000${c}.parquet`),
      ]);
      expect(m.outputs.reduce((n, o) => n + o.rows, 0)).toBe(6);
      const parts = await t.lake.catalog.listPartitions('loglake', 'from_cloudtrail_readready');
      expect(parts.map((p) => p.values[0]).sort()).toEqual(['2026-11-01', '2026-11-02']);
    },
  );
});
