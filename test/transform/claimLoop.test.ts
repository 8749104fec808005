import { mkdir } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drainQueue } from '../../addapart/drainQueue.ts';
import type { Lake } from '../../lake/lake.ts';
import { runTransform } from '../../transform/runTransform.ts';
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
