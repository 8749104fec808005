import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { CreateQueueCommand as CreateSqsQueue } from '@aws-sdk/client-sqs';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../lake/aws/awsClients.ts';
import { QueueLedger, type QueueLedgerOptions } from '../../lake/aws/queueLedger.ts';
import { S3ObjectStore } from '../../lake/aws/s3ObjectStore.ts';
import { SqsQueue } from '../../lake/aws/sqsQueue.ts';
import type { LandedFile } from '../../lake/ports.ts';
import { motoClients, resetMoto } from './motoFixture.ts';

const file = (key: string, size = 100, bucket = 'loglake-raw'): LandedFile => ({
  bucket,
  key,
  source: 'cloudtrail',
  size,
  partition: ['x'],
});
const BIG = { maxFiles: 1000, maxBytes: 1e12 };

describe('QueueLedger on moto (SQS transform queue + S3 markers)', () => {
  let clients: AwsClients;
  let queue: SqsQueue;
  let store: S3ObjectStore;
  let clock: number;
  const ledger = (opts: QueueLedgerOptions = {}) =>
    new QueueLedger(new SqsQueue(clients.sqs, { queueUrl: queue.queueUrl, waitSeconds: 0 }), store, {
      now: () => clock,
      warn: () => {},
      ...opts,
    });

  beforeEach(async () => {
    await resetMoto();
    clients = motoClients();
    clock = Date.UTC(2026, 10, 1);
    await clients.s3.send(new CreateBucketCommand({ Bucket: 'loglake-ledger' }));
    const url = (await clients.sqs.send(new CreateSqsQueue({ QueueName: 'transform' }))).QueueUrl!;
    queue = new SqsQueue(clients.sqs, { queueUrl: url, waitSeconds: 0 });
    store = new S3ObjectStore(clients.s3, { bucket: 'loglake-ledger', prefix: '_loglake/' });
  });

  it('claims a file recorded twice once, and completes it', async () => {
    // prepare
    const l = ledger();
    const recorded = [await l.record([file('a'), file('b'), file('a')]), await l.record([file('a')])];
    // act
    const claim = await l.claim(BIG);
    const next = await l.claim(BIG);
    await l.complete(claim!.batchId);
    // assess
    expect(recorded).toEqual([2, 1]);
    expect(claim?.files.map((f) => f.key).sort()).toEqual(['a', 'b']);
    expect(next).toBeUndefined();
    expect(await l.counts()).toEqual({ pending: 0, claimed: 0, done: 2 });
    expect(await store.head(`ledger/claims/${claim!.batchId}.json`)).toBeUndefined();
  });

  it('drops a late duplicate of a file that is done', async () => {
    // prepare
    const l = ledger();
    await l.record([file('a')]);
    const claim = await l.claim(BIG);
    await l.complete(claim!.batchId);
    await l.record([file('a')]);
    // act
    const again = await l.claim(BIG);
    // assess
    expect(again).toBeUndefined();
    expect(await queue.depth()).toBe(0);
  });

  it('hands out bounded batches and leaves the rest pending', async () => {
    // prepare
    const l = ledger();
    await l.record(Array.from({ length: 25 }, (_, i) => file(`k${String(i).padStart(2, '0')}`, 10)));
    // act
    const byFiles = await l.claim({ maxFiles: 12, maxBytes: 1e9 });
    const byBytes = await l.claim({ maxFiles: 100, maxBytes: 35 });
    const oversized = await ledger().claim({ maxFiles: 100, maxBytes: 5 });
    const rest = await l.claim(BIG);
    // assess
    expect(byFiles?.files).toHaveLength(12);
    expect(byBytes?.files).toHaveLength(3);
    expect(oversized?.files).toHaveLength(1);
    expect(rest?.files).toHaveLength(9);
    const all = [byFiles, byBytes, oversized, rest].flatMap((c) => c!.files.map((f) => f.key));
    expect(new Set(all).size).toBe(25);
  });

  it('gives a crashed claim back with the same files and id once its lease has run out', async () => {
    // prepare
    const crashed = ledger({ leaseSeconds: 900 });
    await crashed.record([file('a'), file('b')]);
    const claim = await crashed.claim(BIG);
    // act
    const whileLive = await ledger().claim(BIG);
    clock += 901_000;
    const recovered = await ledger().claim(BIG);
    const twice = await ledger().claim(BIG);
    // assess
    expect(whileLive).toBeUndefined();
    expect(recovered).toEqual(claim);
    expect(twice).toBeUndefined();
    expect((await ledger().counts()).claimed).toBe(2);
  });

  it('sets a claim aside after it crashed maxAttempts times', async () => {
    // prepare
    const l = ledger({ maxAttempts: 2, leaseSeconds: 10 });
    await l.record([file('poison')]);
    const first = await l.claim(BIG);
    clock += 11_000;
    const second = await l.claim(BIG);
    clock += 11_000;
    // act
    const third = await l.claim(BIG);
    // assess
    expect(second?.batchId).toBe(first?.batchId);
    expect(third).toBeUndefined();
    expect(await store.head(`ledger/failed/${first!.batchId}.json`)).toBeDefined();
  });

  it('lets exactly one of two racing claims take a file recorded twice', async () => {
    // prepare
    const l = ledger();
    await l.record([file('a'), file('b')]);
    await l.record([file('a'), file('c')]);
    // act
    const [x, y] = await Promise.all([
      ledger().claim({ maxFiles: 2, maxBytes: 1e9 }),
      ledger().claim({ maxFiles: 2, maxBytes: 1e9 }),
    ]);
    const z = await ledger().claim(BIG);
    // assess
    const keys = [x, y, z].flatMap((c) => c?.files.map((f) => f.key) ?? []).sort();
    expect(keys).toEqual(['a', 'b', 'c']);
  });

  it('takes over a file whose claim crashed between its taken marker and its manifest', async () => {
    // prepare
    await store.put(
      'ledger/taken/' +
        (await import('node:crypto')).createHash('sha256').update('a').digest('hex').slice(0, 40),
      JSON.stringify({ key: 'a', batchId: 'lost', takenAt: clock - 120_000 }),
    );
    const l = ledger({ orphanSeconds: 60 });
    await l.record([file('a')]);
    // act
    const claim = await l.claim(BIG);
    // assess
    expect(claim?.files.map((f) => f.key)).toEqual(['a']);
  });
});
