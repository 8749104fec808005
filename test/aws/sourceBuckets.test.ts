/**
 * Existing source buckets in other accounts, on moto: two buckets, each created by its own account
 * (moto keeps a bucket in the account of the credentials that created it; an assumed role's
 * credentials belong to the role's account). One is read with loglake's own credentials, the other
 * through an assumed role. Notifications arrive direct, SNS-wrapped and from EventBridge; partitions
 * are registered at each bucket's folders, transform reads from each bucket, and nothing is written
 * to either. moto does not check `ExpectedBucketOwner` (a wrong owner still reads), so its presence
 * on every call is asserted on the requests (contract test).
 */

import { gzipSync } from 'node:zlib';
import { GetPartitionsCommand } from '@aws-sdk/client-glue';
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAddapartHandler } from '../../addapart/lambda.ts';
import type { AwsClients } from '../../lake/aws/awsClients.ts';
import { openAwsLake } from '../../lake/aws/openAwsLake.ts';
import { awsSourceStores } from '../../lake/aws/sourceStores.ts';
import { configSchema, type LoglakeConfig } from '../../lake/config.ts';
import { s3EventBody } from '../../lake/embedded/notifyingObjectStore.ts';
import type { Lake } from '../../lake/lake.ts';
import { loadSources } from '../../sources/loader.ts';
import { runTransform } from '../../transform/runTransform.ts';
import { dataMessage } from '../helpers/firehose.ts';
import { intercept } from './intercept.ts';
import {
  BUCKETS,
  createInfrastructure,
  type FixtureQueues,
  motoClients,
  motoEndpoint,
  queueArn,
  REGION,
  resetMoto,
} from './motoFixture.ts';
import { receiveBatch, settle, sqsRecord } from './sqsEvents.ts';

const TRAIL_BUCKET = 'org-trail-111111111111';
const TRAIL_OWNER = '111111111111';
const FIREHOSE_BUCKET = 'firehose-222222222222';
const FIREHOSE_OWNER = '222222222222';
const READ_ROLE = `arn:aws:iam::${FIREHOSE_OWNER}:role/loglake-read`;

const TRAIL_KEY = (n: number) =>
  `org/AWSLogs/o-a1b2c3d4e5/333344445555/CloudTrail/eu-west-1/2026/11/01/333344445555_CloudTrail_eu-west-1_20261101T08${n}0Z_AbCdEfGh1234567${n}.json.gz`;
const FIREHOSE_KEY = 'cw/2026/11/01/08/ssm-stream-1-2026-11-01-08-15-02-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';

/** An S3 client acting as the owner account of a bucket (moto: the role's account). */
function ownerClient(account: string): S3Client {
  const common = { region: REGION, endpoint: motoEndpoint() };
  return new S3Client({
    ...common,
    forcePathStyle: true,
    credentials: fromTemporaryCredentials({
      params: { RoleArn: `arn:aws:iam::${account}:role/owner`, RoleSessionName: 'owner' },
      clientConfig: common,
    }),
  });
}

function trailBody(n: number): Buffer {
  return gzipSync(
    JSON.stringify({
      Records: [1, 2, 3].map((i) => ({
        eventVersion: '1.09',
        eventTime: `2026-11-01T08:${n}0:0${i}Z`,
        eventSource: 'ec2.amazonaws.com',
        eventName: 'DescribeInstances',
        awsRegion: 'eu-west-1',
        recipientAccountId: '333344445555',
        eventID: `00000000-0000-4000-8000-0000000000${n}${i}`,
      })),
    }),
  );
}

const firehoseBody = gzipSync(
  dataMessage({
    owner: '333344445555',
    logGroup: '/app/web',
    logStream: 'web-1',
    events: [0, 1].map((i) => ({
      id: `e${i}`,
      timestamp: Date.UTC(2026, 10, 1, 8, 15, i),
      message: `line ${i}`,
    })),
  }),
);

function snsWrapped(bucket: string, key: string, size: number): string {
  return JSON.stringify({
    Type: 'Notification',
    TopicArn: `arn:aws:sns:${REGION}:${TRAIL_OWNER}:org-trail`,
    Message: s3EventBody(bucket, key, size, undefined),
  });
}

function eventBridge(bucket: string, key: string, size: number): string {
  return JSON.stringify({
    version: '0',
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: FIREHOSE_OWNER,
    time: '2026-11-01T08:20:00Z',
    region: REGION,
    detail: { bucket: { name: bucket }, object: { key, size } },
  });
}

/** The S3 request inputs an interceptor saw. */
const s3Inputs = (seen: { inputs: object[] }) =>
  seen.inputs as { Bucket?: string; ExpectedBucketOwner?: string }[];

async function keysOf(s3: S3Client, bucket: string): Promise<string[]> {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (out.Contents ?? []).map((o) => `${o.Key}:${o.ETag}`).sort();
}

function sourceConfig(queues: FixtureQueues): LoglakeConfig {
  return configSchema.parse({
    mode: 'aws',
    transform: { writerThreads: 1 },
    aws: {
      region: REGION,
      endpoint: motoEndpoint(),
      buckets: BUCKETS,
      queues: { notifications: queues.notifications, transform: queues.transform },
      sourceBuckets: [
        { bucket: TRAIL_BUCKET, expectedOwner: TRAIL_OWNER, sources: ['cloudtrail'] },
        { bucket: FIREHOSE_BUCKET, expectedOwner: FIREHOSE_OWNER, readRoleArn: READ_ROLE },
      ],
    },
  });
}

describe('source buckets in other accounts, on moto', () => {
  let clients: AwsClients;
  let queues: FixtureQueues;
  let lake: Lake;
  let trailOwner: S3Client;
  let firehoseOwner: S3Client;

  beforeEach(async () => {
    await resetMoto();
    clients = motoClients();
    queues = await createInfrastructure(clients, { notify: false });
    trailOwner = ownerClient(TRAIL_OWNER);
    firehoseOwner = ownerClient(FIREHOSE_OWNER);
    await trailOwner.send(new CreateBucketCommand({ Bucket: TRAIL_BUCKET }));
    await firehoseOwner.send(new CreateBucketCommand({ Bucket: FIREHOSE_BUCKET }));
    const config = sourceConfig(queues);
    lake = await openAwsLake(config, await loadSources(), { clients, glue: { baseDelayMs: 1 } });
  });
  afterEach(async () => {
    await lake.close();
    trailOwner.destroy();
    firehoseOwner.destroy();
  });

  it('registers partitions at each bucket, reads each file from its bucket, and writes to neither', async () => {
    const sizes: number[] = [];
    for (const n of [1, 2]) {
      const body = trailBody(n);
      sizes.push(body.length);
      await trailOwner.send(new PutObjectCommand({ Bucket: TRAIL_BUCKET, Key: TRAIL_KEY(n), Body: body }));
    }
    await firehoseOwner.send(
      new PutObjectCommand({ Bucket: FIREHOSE_BUCKET, Key: FIREHOSE_KEY, Body: firehoseBody }),
    );
    const before = {
      trail: await keysOf(trailOwner, TRAIL_BUCKET),
      firehose: await keysOf(firehoseOwner, FIREHOSE_BUCKET),
    };
    const own = intercept(clients.s3, 'GetObjectCommand');

    // Direct, SNS-wrapped and EventBridge: the bucket is taken from each.
    const bodies = [
      s3EventBody(TRAIL_BUCKET, TRAIL_KEY(1), sizes[0]!, undefined),
      snsWrapped(TRAIL_BUCKET, TRAIL_KEY(2), sizes[1]!),
      eventBridge(FIREHOSE_BUCKET, FIREHOSE_KEY, firehoseBody.length),
      // Not configured: skipped by name, never recorded and then quarantined as unreadable.
      eventBridge('someone-elses-bucket', TRAIL_KEY(1), 10),
    ];
    await clients.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queues.notifications,
        Entries: bodies.map((MessageBody, i) => ({ Id: `m${i}`, MessageBody })),
      }),
    );
    const handler = createAddapartHandler(async () => lake);
    const arn = await queueArn(clients.sqs, queues.notifications);
    const batch = await receiveBatch(clients.sqs, queues.notifications);
    expect(batch).toHaveLength(4);
    const response = await handler({ Records: batch.map((m) => sqsRecord(m, arn)) });
    expect(response.batchItemFailures).toEqual([]);
    await settle(clients.sqs, queues.notifications, batch, response);

    const ct = await clients.glue.send(
      new GetPartitionsCommand({ DatabaseName: 'loglake', TableName: 'from_cloudtrail_raw' }),
    );
    expect((ct.Partitions ?? []).map((p) => p.StorageDescriptor?.Location)).toEqual([
      `s3://${TRAIL_BUCKET}/org/AWSLogs/o-a1b2c3d4e5/333344445555/CloudTrail/eu-west-1/2026/11/01/`,
    ]);
    const cw = await clients.glue.send(
      new GetPartitionsCommand({ DatabaseName: 'loglake', TableName: 'from_cloudwatch_raw' }),
    );
    expect((cw.Partitions ?? []).map((p) => p.StorageDescriptor?.Location)).toEqual([
      `s3://${FIREHOSE_BUCKET}/cw/2026/11/01/08/`,
    ]);

    const summary = await runTransform(lake);
    expect(summary.runs.flatMap((r) => r.quarantinedFiles)).toEqual([]);
    expect(summary.reconciled).toBe(true);
    expect(summary.totals).toMatchObject({ files: 3, eventsIn: 8, rows: 8 });
    // Every read of the trail bucket (own credentials) named its owner.
    const trailReads = s3Inputs(own).filter((i) => i.Bucket === TRAIL_BUCKET);
    expect(trailReads.length).toBeGreaterThanOrEqual(2);
    for (const i of trailReads) expect(i.ExpectedBucketOwner).toBe(TRAIL_OWNER);
    // The Firehose bucket is read with the role's client, never with the lake's own.
    expect(s3Inputs(own).filter((i) => i.Bucket === FIREHOSE_BUCKET)).toEqual([]);

    expect(await keysOf(trailOwner, TRAIL_BUCKET)).toEqual(before.trail);
    expect(await keysOf(firehoseOwner, FIREHOSE_BUCKET)).toEqual(before.firehose);
  });

  it('reads through the assumed role, with ExpectedBucketOwner on every call, and offers no write', async () => {
    await firehoseOwner.send(
      new PutObjectCommand({ Bucket: FIREHOSE_BUCKET, Key: FIREHOSE_KEY, Body: firehoseBody }),
    );
    const config = sourceConfig(queues);
    const built = awsSourceStores(config.aws!, clients.s3);
    try {
      expect(built.clients).toHaveLength(1);
      const roleClient = built.clients[0]!;
      // The role's credentials come from STS AssumeRole (moto hands out ASIA… session keys).
      const creds = await roleClient.config.credentials();
      expect(creds.accessKeyId).toMatch(/^ASIA/);
      expect(creds.sessionToken).toBeTruthy();
      const gets = intercept(roleClient, 'GetObjectCommand');
      const lists = intercept(roleClient, 'ListObjectsV2Command');
      const heads = intercept(roleClient, 'HeadObjectCommand');
      const store = built.stores.get(FIREHOSE_BUCKET)!.store;
      expect(Buffer.from(await store.get(FIREHOSE_KEY))).toEqual(firehoseBody);
      expect((await store.head(FIREHOSE_KEY))?.size).toBe(firehoseBody.length);
      const listed = [];
      for await (const o of store.list('cw/')) listed.push(o.key);
      expect(listed).toEqual([FIREHOSE_KEY]);
      for (const i of [...s3Inputs(gets), ...s3Inputs(lists), ...s3Inputs(heads)])
        expect(i.ExpectedBucketOwner).toBe(FIREHOSE_OWNER);
      expect(gets.inputs.length + lists.inputs.length + heads.inputs.length).toBe(3);
      // Read only, by type and at run time.
      // @ts-expect-error a source store has no put
      expect(store.put).toBeUndefined();
      expect('delete' in store).toBe(false);
      expect(Object.isFrozen(store)).toBe(true);
      // The raw bucket is a source bucket too, owned by the stack's account.
      expect(built.stores.list().map((b) => b.bucket)).toEqual([BUCKETS.raw, TRAIL_BUCKET, FIREHOSE_BUCKET]);
    } finally {
      for (const c of built.clients) c.destroy();
    }
  });
});
