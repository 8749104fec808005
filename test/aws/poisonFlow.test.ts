/**
 * A poison file in AWS mode on moto: the transform Lambda handler with the SQS/S3 ledger. One raw
 * object answers GetObject with AccessDenied (as S3 does for an object under a KMS key loglake is
 * not granted); the batches around it must flow, it must end set aside alone, and a replay after
 * the grant must bring its rows in exactly once.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAddapartHandler } from '../../addapart/lambda.ts';
import type { AwsClients } from '../../lake/aws/awsClients.ts';
import { openDuckDB } from '../../lake/embedded/duckdbFile.ts';
import type { Lake } from '../../lake/lake.ts';
import { createTransformHandler } from '../../transform/lambda.ts';
import { replay } from '../../transform/replay.ts';
import { fixtureText } from '../helpers/fixtures.ts';
import { FakeServiceError, intercept } from './intercept.ts';
import { type FixtureQueues, motoClients, openMotoLake } from './motoFixture.ts';
import { deliverAll } from './sqsEvents.ts';

const ctKey = (n: number) =>
  `AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/01/111122223333_CloudTrail_eu-west-1_20261101T08${String(n).padStart(2, '0')}Z_File${n}.json.gz`;
const RECORDS = 4;

describe('a poison file in AWS mode', () => {
  let lake: Lake;
  let clients: AwsClients;
  let queues: FixtureQueues;
  let denied: Set<string>;
  const lines: string[] = [];

  beforeEach(async () => {
    denied = new Set();
    const s3 = motoClients().s3;
    intercept(s3, 'GetObjectCommand', async (input, next) => {
      const key = (input as { Key?: string }).Key;
      if (key !== undefined && denied.has(key)) throw new FakeServiceError('AccessDenied', 'Access Denied');
      return next();
    });
    ({ lake, clients, queues } = await openMotoLake({
      config: {
        transform: { maxFiles: 4, maxBytes: 1e9, prefetch: 2, workers: 1, writerThreads: 1, maxAttempts: 2 },
      },
      lake: {
        clients: { s3 },
        glue: { warn: () => {} },
        ledger: { log: (l) => lines.push(l), warn: () => {} },
      },
    }));
  });
  afterEach(async () => lake.close());

  const transformAll = async () => {
    const handler = createTransformHandler(async () => lake);
    return handler({}, { getRemainingTimeInMillis: () => 600_000 });
  };
  const rowsBySourceKey = async () => {
    const engine = await openDuckDB(':memory:');
    try {
      const counts = new Map<string, number>();
      for await (const o of lake.readready.list('from_cloudtrail_readready/')) {
        const path = join(lake.tmpDir, `readback-${o.key.replace(/[^\w.-]/g, '_')}`);
        await writeFile(path, await lake.readready.get(o.key));
        const r = await engine.connection.runAndReadAll(
          'SELECT source_key, count(*)::INTEGER FROM read_parquet(?) GROUP BY source_key',
          [path],
        );
        for (const [k, n] of r.getRows()) counts.set(String(k), (counts.get(String(k)) ?? 0) + Number(n));
      }
      return counts;
    } finally {
      engine.connection.closeSync();
      engine.instance.closeSync();
    }
  };

  it('sets aside only the poison file; the rest flows; a replay after the fix adds its rows once', async () => {
    // prepare: 7 files land through S3 → SQS → addapart; one of them cannot be read
    const body = gzipSync(fixtureText('cloudtrail/session-records.json'));
    for (const n of [1, 2, 3, 4, 5, 6, 7]) await lake.raw.put(ctKey(n), body);
    const addapart = createAddapartHandler(async () => lake);
    await deliverAll(clients.sqs, queues.notifications, queues.notificationsArn, addapart);
    denied.add(ctKey(3));
    // act
    const first = await transformAll();
    const aside = await lake.ledger.listSetAside();
    denied.clear();
    const replayed = await replay(lake, { setAside: true });
    const second = await transformAll();
    // assess
    expect(first.files).toBe(6);
    expect(first.failed).toBeGreaterThan(0);
    expect(aside.map((b) => b.files.map((f) => f.key))).toEqual([[ctKey(3)]]);
    expect(aside[0]?.error).toMatch(/Access Denied/);
    const events = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.filter((e) => e.event === 'claim_set_aside')).toEqual([
      expect.objectContaining({ ClaimsSetAside: 1, keys: [ctKey(3)] }),
    ]);
    expect(replayed).toEqual({ batches: [aside[0]!.batchId], files: 1 });
    expect(second.files).toBe(1);
    const rows = await rowsBySourceKey();
    expect([...rows.keys()].sort()).toEqual([1, 2, 3, 4, 5, 6, 7].map(ctKey).sort());
    for (const n of rows.values()) expect(n).toBe(RECORDS);
    expect(await lake.ledger.listSetAside()).toEqual([]);
  });
});
