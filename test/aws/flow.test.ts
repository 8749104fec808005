/**
 * The whole AWS pipeline on moto: S3 put → S3 notification to SQS → the addapart Lambda handler
 * (called in-process with SQS-shaped events) → Glue partitions → the transform Lambda handler
 * (reads raw from S3, writes readready Parquet to S3, registers readready partitions) → the Parquet
 * downloaded and read back with DuckDB, for exactly the counts the generator wrote.
 */

import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetPartitionsCommand, type GlueClient } from '@aws-sdk/client-glue';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAddapartHandler } from '../../addapart/lambda.ts';
import type { GeneratedFile, GeneratedManifest } from '../../ingest/generate/index.ts';
import { generate } from '../../ingest/generate/index.ts';
import type { AwsClients } from '../../lake/aws/awsClients.ts';
import type { Lake } from '../../lake/lake.ts';
import { createTransformHandler } from '../../transform/lambda.ts';
import { BUCKETS, type FixtureQueues, openMotoLake } from './motoFixture.ts';
import { deliverAll, receiveBatch, settle, sqsRecord } from './sqsEvents.ts';

const GEN = { accounts: 1, days: 1, sessions: 2, seed: 7, badFiles: true };
const DB = 'loglake';

/** The `loc` partition value: a hash of the bucket and the object's folder (docs/ARCHITECTURE.md). */
function locOf(key: string): string {
  const folder = key.slice(0, key.lastIndexOf('/') + 1);
  return createHash('sha256').update(`${BUCKETS.raw}\u0000${folder}`).digest('hex').slice(0, 12);
}

/** Raw partition values of a generated key, worked out from the key layouts (DESIGN §5), not by loglake. */
function rawPartitionOf(key: string): { table: string; values: string } {
  const ct =
    /AWSLogs\/+(?:o-[a-z0-9]+\/+)?(\d{12})\/+CloudTrail\/+([a-z0-9-]+)\/+(\d{4})\/+(\d{2})\/+(\d{2})\/+[^/]+$/.exec(
      key,
    );
  if (ct) return { table: 'from_cloudtrail_raw', values: [...ct.slice(1), locOf(key)].join('/') };
  const cw = /(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\/[^/]+$/.exec(key);
  if (cw) return { table: 'from_cloudwatch_raw', values: [...cw.slice(1), locOf(key)].join('/') };
  throw new Error(`unexpected generated key ${key}`);
}

/**
 * Expected raw partitions per table: values → the folders holding their files. Keys that differ
 * only by a doubled `/` are in different folders, so each folder is its own partition (one
 * folder per partition: every file lies under a registered location).
 */
function expectedRawPartitions(files: GeneratedFile[]): Map<string, Map<string, Set<string>>> {
  const out = new Map<string, Map<string, Set<string>>>([
    ['from_cloudtrail_raw', new Map()],
    ['from_cloudwatch_raw', new Map()],
  ]);
  for (const f of files) {
    if (f.kind === 'skip') continue;
    const { table, values } = rawPartitionOf(f.key);
    const folders = out.get(table)!.get(values) ?? new Set<string>();
    folders.add(`s3://${BUCKETS.raw}/${f.key.slice(0, f.key.lastIndexOf('/') + 1)}`);
    out.get(table)!.set(values, folders);
  }
  return out;
}

async function gluePartitionMap(glue: GlueClient, table: string): Promise<Map<string, string>> {
  const out = await glue.send(new GetPartitionsCommand({ DatabaseName: DB, TableName: table }));
  return new Map(
    (out.Partitions ?? []).map((p) => [p.Values!.join('/'), p.StorageDescriptor?.Location ?? '']),
  );
}

/** Asserts each table holds exactly the expected partitions, each located at one of its folders. */
async function expectRawPartitions(glue: GlueClient, files: GeneratedFile[]): Promise<void> {
  for (const [table, expected] of expectedRawPartitions(files)) {
    const actual = await gluePartitionMap(glue, table);
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [values, location] of actual) expect([...expected.get(values)!]).toEqual([location]);
  }
}

async function gluePartitions(glue: GlueClient, table: string): Promise<string[]> {
  const out = await gluePartitionMap(glue, table);
  return [...out].map(([values, location]) => `${values} @ ${location}`).sort();
}

async function listKeys(s3: S3Client, bucket: string, prefix = ''): Promise<string[]> {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

/** Downloads a table's readready Parquet and reads it with DuckDB: rows, distinct ids, calendar days. */
async function readBack(s3: S3Client, table: string, idColumn: string) {
  const keys = (await listKeys(s3, BUCKETS.readready, `${table}/`)).filter((k) => k.endsWith('.parquet'));
  const dir = await mkdtemp(join(tmpdir(), 'loglake-readback-'));
  try {
    const paths: string[] = [];
    for (const [i, key] of keys.entries()) {
      const got = await s3.send(new GetObjectCommand({ Bucket: BUCKETS.readready, Key: key }));
      const path = join(dir, `${i}.parquet`);
      await writeFile(path, await got.Body!.transformToByteArray());
      paths.push(path);
    }
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const list = `[${paths.map((p) => `'${p}'`).join(', ')}]`;
      const reader = await connection.runAndReadAll(
        `SELECT count(*)::INTEGER, count(DISTINCT ${idColumn})::INTEGER, count(DISTINCT source_key)::INTEGER FROM read_parquet(${list})`,
      );
      const [rows, distinct, sourceKeys] = reader.getRows()[0]!.map(Number);
      const days = [...new Set(keys.map((k) => /calendarday=([\d-]+)\//.exec(k)![1]!))].sort();
      return { rows: rows!, distinct: distinct!, sourceKeys: sourceKeys!, days, keys };
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('AWS mode end to end on moto', () => {
  let lake: Lake;
  let clients: AwsClients;
  let queues: FixtureQueues;
  let files: GeneratedFile[];
  let manifest: GeneratedManifest;
  /** One warm container per test: moto is reset between tests, so its partition cache must be too. */
  let addapart: ReturnType<typeof createAddapartHandler>;

  beforeEach(async () => {
    ({ lake, clients, queues } = await openMotoLake({
      maxReceiveCount: 2,
      config: {
        transform: { maxFiles: 5, maxBytes: 512 * 1024 * 1024, prefetch: 4, workers: 1, writerThreads: 1 },
      },
      lake: { glue: { warn: () => {} } },
    }));
    const generated = generate(GEN);
    files = [...generated.files];
    manifest = generated.manifest;
    addapart = createAddapartHandler(async () => lake);
  });
  afterEach(async () => {
    await lake.close();
  });

  const landAll = async () => {
    for (const f of files) await lake.raw.put(f.key, f.body);
  };
  const transformUntilDone = async () => {
    const handler = createTransformHandler(async () => lake, { maxBatches: 2 });
    const results = [];
    for (let i = 0; i < 20; i++) {
      const r = await handler({}, { getRemainingTimeInMillis: () => 600_000 });
      results.push(r);
      if (!r.more) break;
    }
    return results;
  };

  it('lands, registers, transforms and reads back exactly what was generated', async () => {
    // act: land → notifications → addapart
    await landAll();
    const delivered = await deliverAll(clients.sqs, queues.notifications, queues.notificationsArn, addapart);
    // assess: the s3:TestEvent and one notification per object arrived, none failed
    expect(delivered.records).toBe(files.length + 1);
    expect(delivered.failures).toEqual([]);
    await expectRawPartitions(clients.glue, files);

    // act: transform, in invocations of at most two bounded batches
    const runs = await transformUntilDone();
    // assess: every good and bad file went through, bounded batches, `more` until the end
    const good = manifest.files.cloudtrail + manifest.files.cloudwatch;
    expect(runs.reduce((n, r) => n + r.files, 0)).toBe(good + manifest.files.bad);
    expect(runs.flatMap((r) => r.runIds)).toHaveLength(Math.ceil((good + manifest.files.bad) / 5));
    expect(runs.slice(0, -1).every((r) => r.more && r.batches === 2)).toBe(true);
    expect(runs.at(-1)).toMatchObject({ more: false });
    expect(runs.every((r) => r.reconciled)).toBe(true);
    expect(runs.reduce((n, r) => n + r.rows, 0)).toBe(
      manifest.events.cloudtrailRecords + manifest.events.cloudwatchLogEvents,
    );

    const ct = await readBack(clients.s3, 'from_cloudtrail_readready', 'eventid');
    const cw = await readBack(clients.s3, 'from_cloudwatch_readready', 'logeventid');
    expect(ct.rows).toBe(manifest.events.cloudtrailRecords);
    expect(ct.distinct).toBe(ct.rows);
    expect(ct.sourceKeys).toBe(manifest.files.cloudtrail);
    expect(cw.rows).toBe(manifest.events.cloudwatchLogEvents);
    expect(cw.distinct).toBe(cw.rows);
    expect(cw.sourceKeys).toBe(manifest.files.cloudwatch);
    for (const [table, out] of [
      ['from_cloudtrail_readready', ct],
      ['from_cloudwatch_readready', cw],
    ] as const) {
      expect(await gluePartitions(clients.glue, table)).toEqual(
        out.days.map((d) => `${d} @ s3://${BUCKETS.readready}/${table}/calendarday=${d}/`),
      );
    }
    const quarantined = await listKeys(clients.s3, BUCKETS.quarantine);
    expect(quarantined.filter((k) => k.includes('/files/'))).toHaveLength(manifest.files.bad);
    expect(await listKeys(clients.s3, BUCKETS.readready, '_loglake/runs/')).toHaveLength(
      runs.flatMap((r) => r.runIds).length,
    );
    expect(await lake.ledger.counts()).toEqual({ pending: 0, claimed: 0, done: good + manifest.files.bad });
  });

  it('gives no duplicate partitions or rows when every message is delivered twice', async () => {
    // prepare: every notification twice, as two SQS messages
    await landAll();
    const all: string[] = [];
    for (let batch = await receiveBatch(clients.sqs, queues.notifications); batch.length > 0; ) {
      all.push(...batch.map((m) => m.Body!));
      await settle(clients.sqs, queues.notifications, batch, { batchItemFailures: [] });
      batch = await receiveBatch(clients.sqs, queues.notifications);
    }
    const send = async (bodies: string[]) => {
      for (let i = 0; i < bodies.length; i += 10) {
        await clients.sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: queues.notifications,
            Entries: bodies.slice(i, i + 10).map((body, j) => ({ Id: String(j), MessageBody: body })),
          }),
        );
      }
    };
    // act: the second copy goes to a cold container, so Glue itself sees every partition again
    await send(all);
    const first = await deliverAll(clients.sqs, queues.notifications, queues.notificationsArn, addapart);
    await send(all);
    const cold = createAddapartHandler(async () => lake);
    const second = await deliverAll(clients.sqs, queues.notifications, queues.notificationsArn, cold);
    const runs = await transformUntilDone();
    const again = await transformUntilDone();
    // assess
    expect([first.records, second.records]).toEqual([all.length, all.length]);
    expect([...first.failures, ...second.failures]).toEqual([]);
    await expectRawPartitions(clients.glue, files);
    const good = manifest.files.cloudtrail + manifest.files.cloudwatch;
    expect(runs.reduce((n, r) => n + r.files, 0)).toBe(good + manifest.files.bad);
    expect(again.reduce((n, r) => n + r.files, 0)).toBe(0);
    const ct = await readBack(clients.s3, 'from_cloudtrail_readready', 'eventid');
    const cw = await readBack(clients.s3, 'from_cloudwatch_readready', 'logeventid');
    expect([ct.rows, ct.distinct]).toEqual([
      manifest.events.cloudtrailRecords,
      manifest.events.cloudtrailRecords,
    ]);
    expect([cw.rows, cw.distinct]).toEqual([
      manifest.events.cloudwatchLogEvents,
      manifest.events.cloudwatchLogEvents,
    ]);
    expect((await lake.ledger.counts()).pending).toBe(0);
  });

  it('reports a poison message as a batch item failure; it ends in the DLQ while the rest is registered', async () => {
    // prepare: drain the test event, then land two files and add a poison message to their batch
    await deliverAll(clients.sqs, queues.notifications, queues.notificationsArn, addapart);
    const two = [files.find((f) => f.kind === 'cloudtrail')!, files.find((f) => f.kind === 'cloudwatch')!];
    for (const f of two) await lake.raw.put(f.key, f.body);
    await clients.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queues.notifications,
        Entries: [{ Id: 'p', MessageBody: '{"Records": "nope"' }],
      }),
    );
    // act: the first delivery holds all three; the poison comes back until the redrive policy moves it
    const batch = await receiveBatch(clients.sqs, queues.notifications);
    const response = await addapart({ Records: batch.map((m) => sqsRecord(m, queues.notificationsArn)) });
    await settle(clients.sqs, queues.notifications, batch, response);
    const later = await deliverAll(clients.sqs, queues.notifications, queues.notificationsArn, addapart);
    const afterRedrive = await receiveBatch(clients.sqs, queues.notifications);
    const dead = await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queues.dlq, MaxNumberOfMessages: 10 }),
    );
    // assess
    const poison = batch.find((m) => m.Body === '{"Records": "nope"')!;
    expect(batch).toHaveLength(3);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: poison.MessageId }]);
    expect(later.failures).toEqual([poison.MessageId]);
    expect(afterRedrive).toEqual([]);
    expect(dead.Messages?.map((m) => m.Body)).toEqual(['{"Records": "nope"']);
    for (const f of two) {
      const { table, values } = rawPartitionOf(f.key);
      expect((await gluePartitionMap(clients.glue, table)).has(values)).toBe(true);
    }
    expect((await lake.ledger.counts()).pending).toBe(2);
  });
});
