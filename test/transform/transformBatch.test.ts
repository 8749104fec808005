import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drainQueue } from '../../addapart/drainQueue.ts';
import type { Lake } from '../../lake/lake.ts';
import { transformContext } from '../../transform/runTransform.ts';
import { transformBatch } from '../../transform/transformBatch.ts';
import { controlMessage, dataMessage, multiMemberGzip, sessionMessage } from '../helpers/firehose.ts';
import { fixtureText } from '../helpers/fixtures.ts';
import { tempLake } from '../helpers/tempLake.ts';

const CT_KEY =
  'AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/01/111122223333_CloudTrail_eu-west-1_20261101T0820Z_AbCdEfGh12345678.json.gz';
const CW_KEY = 'cloudwatch/2026/11/01/08/stream-1-2026-11-01-08-15-02-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';
const SID = 'user03-0b7c1cc185ccf51a9';

let t: Awaited<ReturnType<typeof tempLake>>;
let lake: Lake;
beforeEach(async () => {
  t = await tempLake();
  lake = t.lake;
  await lake.raw.put(CT_KEY, gzipSync(fixtureText('cloudtrail/session-records.json')));
  const ts = Date.parse('2026-11-01T08:16:00Z');
  await lake.raw.put(
    CW_KEY,
    multiMemberGzip([
      dataMessage({
        logStream: SID,
        events: [{ id: '1', timestamp: ts, message: sessionMessage(SID, '2026-11-01T08:16:00Z', ['$ id']) }],
      }),
      controlMessage(ts),
    ]),
  );
  await drainQueue(lake);
});
afterEach(async () => t.done());

async function rowCount(table: string): Promise<number> {
  const engine = await lake.openQueryEngine();
  try {
    return Number((await engine.query(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n);
  } finally {
    await engine.close();
  }
}

describe('transformBatch', () => {
  it('writes flat Parquet columns named as in the readready contract', async () => {
    const claim = (await lake.ledger.claim({ maxFiles: 10, maxBytes: 1e9 }))!;
    const m = await transformBatch(transformContext(lake), claim);
    expect(m.outputs.map((o) => o.key).sort()).toEqual([
      `from_cloudtrail_readready/calendarday=2026-11-01/part-${claim.batchId}-0000.parquet`,
      `from_cloudtrail_readready/calendarday=2026-11-02/part-${claim.batchId}-0000.parquet`,
      // The sessions extract of CloudTrail (its StartSession event), beside its readready file.
      `from_cloudtrail_sessions/calendarday=2026-11-01/part-${claim.batchId}-0000.parquet`,
      `from_cloudwatch_readready/calendarday=2026-11-01/part-${claim.batchId}-0000.parquet`,
    ]);
    const engine = await lake.openQueryEngine();
    try {
      const path = lake.readready.uri(m.outputs.find((o) => o.table === 'from_cloudwatch_readready')!.key);
      const schema = await engine.query(
        'SELECT name, type, converted_type FROM parquet_schema(?) WHERE name <> ?',
        [path, 'duckdb_schema'],
      );
      expect(schema.rows.map((r) => r.name)).toEqual([
        'eventtime',
        'logeventid',
        'owner',
        'loggroup',
        'logstream',
        'message',
        'sessionid',
        'sessiondata',
        'target',
        'runasuser',
        'useridentity_arn',
        'source_key',
      ]);
      const ctPath = lake.readready.uri(m.outputs.find((o) => o.table === 'from_cloudtrail_readready')!.key);
      const ctSchema = await engine.query('SELECT name, type FROM parquet_schema(?) WHERE name <> ?', [
        ctPath,
        'duckdb_schema',
      ]);
      const types = Object.fromEntries(ctSchema.rows.map((r) => [r.name, r.type]));
      expect(types).toMatchObject({
        eventtime: 'INT64',
        readonly: 'BOOLEAN',
        mfaauthenticated: 'BOOLEAN',
        sessionid: 'BYTE_ARRAY',
        resources: 'BYTE_ARRAY',
      });
      // Flat: every column is a leaf (no nested groups), and the file is ZSTD-compressed.
      const meta = await engine.query('SELECT DISTINCT compression FROM parquet_metadata(?)', [ctPath]);
      expect(meta.rows.map((r) => r.compression)).toEqual(['ZSTD']);
      const joined = await engine.query(
        'SELECT c.eventname, w.sessiondata FROM from_cloudtrail_readready c JOIN from_cloudwatch_readready w USING (sessionid) WHERE c.eventname = ?',
        ['StartSession'],
      );
      expect(joined.rows).toEqual([{ eventname: 'StartSession', sessiondata: '$ id' }]);
    } finally {
      await engine.close();
    }
    expect(await lake.catalog.listPartitions('loglake', 'from_cloudtrail_readready')).toHaveLength(2);
  });

  it('a batch re-run after a crash overwrites its own outputs instead of adding rows', async () => {
    const claim = (await lake.ledger.claim({ maxFiles: 10, maxBytes: 1e9 }))!;
    await transformBatch(transformContext(lake), claim);
    // The process died before `complete`: the next claim returns the same batch.
    const again = (await lake.ledger.claim({ maxFiles: 10, maxBytes: 1e9 }))!;
    expect(again.batchId).toBe(claim.batchId);
    expect(again.files.map((f) => f.key).sort()).toEqual(claim.files.map((f) => f.key).sort());
    await transformBatch(transformContext(lake), again);
    await lake.ledger.complete(again.batchId);
    expect(await rowCount('from_cloudtrail_readready')).toBe(4);
    expect(await rowCount('from_cloudwatch_readready')).toBe(1);
    expect(await lake.ledger.claim({ maxFiles: 10, maxBytes: 1e9 })).toBeUndefined();
    expect(await lake.catalog.listPartitions('loglake', 'from_cloudwatch_readready')).toHaveLength(1);
  });

  it('writes a run manifest whose counts reconcile', async () => {
    const claim = (await lake.ledger.claim({ maxFiles: 10, maxBytes: 1e9 }))!;
    const m = await transformBatch(transformContext(lake), claim);
    expect(m.reconciled).toBe(true);
    expect(m.totals).toMatchObject({
      files: 2,
      eventsIn: 6,
      rows: 5,
      skipped: { control_message: 1 },
      quarantined: 0,
    });
    const stored = JSON.parse(Buffer.from(await lake.control.get(`runs/${m.runId}.json`)).toString());
    expect(stored.totals).toEqual(m.totals);
  });

  it('decodes on worker threads with the same rows and counts as on the main thread', async () => {
    const claim = (await lake.ledger.claim({ maxFiles: 10, maxBytes: 1e9 }))!;
    const one = await transformBatch(transformContext(lake), claim, { workers: 1, engine: 'js' });
    const rowsOne = await rowCount('from_cloudtrail_readready');
    const two = await transformBatch(transformContext(lake), claim, { workers: 2, engine: 'js' });
    expect(two.totals).toEqual(one.totals);
    expect(two.outputs.map((o) => [o.key, o.rows])).toEqual(one.outputs.map((o) => [o.key, o.rows]));
    expect(await rowCount('from_cloudtrail_readready')).toBe(rowsOne);
    expect(two.stages.decodeMs).toBeGreaterThan(0);
  });

  it('writes one output per chunk of files, with stable names', async () => {
    const claim = (await lake.ledger.claim({ maxFiles: 10, maxBytes: 1e9 }))!;
    const m = await transformBatch(transformContext(lake), claim, { chunkFiles: 1 });
    expect(m.outputs.map((o) => o.key.replace(claim.batchId, 'B')).sort()).toEqual([
      'from_cloudtrail_readready/calendarday=2026-11-01/part-B-0000.parquet',
      'from_cloudtrail_readready/calendarday=2026-11-02/part-B-0000.parquet',
      'from_cloudtrail_sessions/calendarday=2026-11-01/part-B-0000.parquet',
      'from_cloudwatch_readready/calendarday=2026-11-01/part-B-0001.parquet',
    ]);
    expect(m.totals.rows).toBe(5);
  });

  it('bounds each batch by files and bytes', async () => {
    const first = (await lake.ledger.claim({ maxFiles: 1, maxBytes: 1e9 }))!;
    expect(first.files).toHaveLength(1);
    await transformBatch(transformContext(lake), first);
    await lake.ledger.complete(first.batchId);
    const second = (await lake.ledger.claim({ maxFiles: 10, maxBytes: 1 }))!;
    expect(second.files).toHaveLength(1);
    expect(second.batchId).not.toBe(first.batchId);
  });
});
