import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drainQueue } from '../../addapart/drainQueue.ts';
import type { Lake } from '../../lake/lake.ts';
import { quarantineKey } from '../../transform/index.ts';
import { replay } from '../../transform/replay.ts';
import { runTransform } from '../../transform/runTransform.ts';
import { fixtureText } from '../helpers/fixtures.ts';
import { tempLake } from '../helpers/tempLake.ts';

const ctKey = (n: number, day = '01') =>
  `AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/${day}/111122223333_CloudTrail_eu-west-1_202611${day}T08${String(n).padStart(2, '0')}Z_File${n}.json.gz`;
const RECORDS = 4;
const body = gzipSync(fixtureText('cloudtrail/session-records.json'));

let t: Awaited<ReturnType<typeof tempLake>>;
let lake: Lake;
beforeEach(async () => {
  t = await tempLake({ transform: { maxFiles: 4, maxAttempts: 1 } });
  lake = t.lake;
});
afterEach(async () => t.done());

async function rows(): Promise<{ total: number; bySourceKey: Map<string, number>; distinct: number }> {
  const engine = await lake.openQueryEngine();
  try {
    const r = await engine.query(
      'SELECT source_key, count(*)::INTEGER AS n, count(DISTINCT eventid)::INTEGER AS d FROM from_cloudtrail_readready GROUP BY source_key',
    );
    const bySourceKey = new Map(r.rows.map((row) => [String(row.source_key), Number(row.n)]));
    const distinct = r.rows.reduce((n, row) => n + Number(row.d), 0);
    return { total: [...bySourceKey.values()].reduce((a, b) => a + b, 0), bySourceKey, distinct };
  } finally {
    await engine.close();
  }
}

async function parquetKeys(): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of lake.readready.list('from_cloudtrail_readready/')) keys.push(o.key);
  return keys.sort();
}

describe('loglake replay', () => {
  it('re-runs a set-aside file once it can be read, with zero duplicate rows', async () => {
    // prepare: 3 good files and one that cannot be read yet (a folder where the object should be)
    for (const n of [1, 2, 3]) await lake.raw.put(ctKey(n), body);
    await drainQueue(lake);
    const poison = ctKey(4);
    const path = lake.raw.localPath!(poison)!;
    await mkdir(path, { recursive: true });
    await lake.ledger.record([
      { bucket: 'raw', key: poison, source: 'cloudtrail', size: body.byteLength, partition: [] },
    ]);
    await runTransform(lake);
    const before = await rows();
    // act: the object becomes readable, and the operator replays
    await rm(path, { recursive: true });
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, body);
    const replayed = await replay(lake, {});
    const run = await runTransform(lake);
    const again = await replay(lake, {});
    // assess
    expect(before.total).toBe(3 * RECORDS);
    expect(replayed.files).toBe(1);
    expect(run.totals.files).toBe(1);
    expect(again).toEqual({ batches: [], files: 0 });
    const after = await rows();
    expect(after.total).toBe(4 * RECORDS);
    for (const n of after.bySourceKey.values()) expect(n).toBe(RECORDS);
    expect(await lake.ledger.listSetAside()).toEqual([]);
  });

  it('re-runs whole batches of a source: the same outputs, stale ones removed, no duplicates', async () => {
    // prepare: 6 files over two days in two batches; then a stale output of the first batch
    for (const n of [1, 2, 3]) await lake.raw.put(ctKey(n, '01'), body);
    for (const n of [4, 5, 6]) await lake.raw.put(ctKey(n, '02'), body);
    await drainQueue(lake);
    const first = await runTransform(lake);
    const outputs = await parquetKeys();
    const batchId = first.runs[0]!.batchId;
    const own = outputs.find((k) => k.includes(`part-${batchId}-`))!;
    const stale = own
      .replace(/calendarday=[\d-]+/, 'calendarday=2026-10-31')
      .replace(/-\d{4}\.parquet$/, '-0099.parquet');
    await mkdir(dirname(lake.readready.localPath!(stale)!), { recursive: true });
    await copyFile(lake.readready.localPath!(own)!, lake.readready.localPath!(stale)!);
    // Athena reads whole partition folders: a stale output there is duplicate rows to auditors.
    const staleBefore = (await lake.readready.head(stale)) !== undefined;
    // act
    const replayed = await replay(lake, { source: 'cloudtrail', from: '2026-11-01', to: '2026-11-01' });
    const run = await runTransform(lake);
    // assess
    expect(staleBefore).toBe(true);
    expect(await lake.readready.head(stale)).toBeUndefined();
    expect(replayed.batches).toEqual([batchId]);
    expect(run.runs.map((r) => r.batchId)).toEqual([batchId]);
    expect(await parquetKeys()).toEqual(outputs);
    const after = await rows();
    expect(after.total).toBe(6 * RECORDS);
    for (const n of after.bySourceKey.values()) expect(n).toBe(RECORDS);
  });

  it('drops the quarantine record of a file a replay no longer quarantines', async () => {
    // prepare: a corrupt file is quarantined; the replay finds it readable (e.g. a fixed definition)
    await lake.raw.put(ctKey(1), body);
    const bad = ctKey(2);
    await lake.raw.put(bad, Buffer.from([0x1f, 0x8b, 0x08, 0, 1, 2, 3]));
    await drainQueue(lake);
    await runTransform(lake);
    const record = quarantineKey('cloudtrail', bad);
    const quarantinedBefore = (await lake.quarantine.head(record)) !== undefined;
    await writeFile(lake.raw.localPath!(bad)!, body);
    // act
    const replayed = await replay(lake, { quarantined: true });
    await runTransform(lake);
    // assess
    expect(quarantinedBefore).toBe(true);
    expect(replayed.files).toBe(2);
    expect(await lake.quarantine.head(record)).toBeUndefined();
    const after = await rows();
    expect(after.total).toBe(2 * RECORDS);
    expect(after.bySourceKey.get(bad)).toBe(RECORDS);
  });
});
