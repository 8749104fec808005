/**
 * Issue 8.1 on moto: the three routes by which a bucket's notifications reach loglake's queue
 * (the bucket's own notification is flow.test.ts), each ending in addapart registering the files.
 * SNS fan-out: bucket → topic → queue subscription. EventBridge: bucket → default bus → the rule
 * of infra/loglake.yaml (its event pattern, resolved for the bucket) → queue.
 */
import { PutBucketNotificationConfigurationCommand } from '@aws-sdk/client-s3';
import type { SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAddapartHandler } from '../../addapart/lambda.ts';
import { generate } from '../../ingest/generate/index.ts';
import type { AwsClients } from '../../lake/aws/awsClients.ts';
import type { Lake } from '../../lake/lake.ts';
import { resolveTemplate } from '../infra/resolveTemplate.ts';
import { BUCKETS, type FixtureQueues, openMotoLake } from './motoFixture.ts';
import { events, sns } from './motoQuery.ts';
import { deliverAll } from './sqsEvents.ts';

describe('notification routes of existing buckets, on moto', () => {
  let lake: Lake;
  let clients: AwsClients;
  let queues: FixtureQueues;
  const files = (() => {
    const all = [...generate({ accounts: 1, days: 1, sessions: 1, seed: 5, badFiles: false }).files];
    return [all.find((f) => f.kind === 'cloudtrail')!, all.find((f) => f.kind === 'cloudwatch')!];
  })();

  beforeEach(async () => {
    ({ lake, clients, queues } = await openMotoLake({ notify: false, lake: { glue: { warn: () => {} } } }));
  });
  afterEach(async () => {
    await lake.close();
  });

  /** Lands the files, delivers what reached the queue to addapart, and returns the bodies it saw. */
  const landAndDeliver = async () => {
    for (const f of files) await lake.raw.put(f.key, f.body);
    const bodies: string[] = [];
    const addapart = createAddapartHandler(async () => lake);
    const delivered = await deliverAll(
      clients.sqs,
      queues.notifications,
      queues.notificationsArn,
      (e: SQSEvent) => {
        bodies.push(...e.Records.map((r) => r.body));
        return addapart(e);
      },
    );
    return { bodies: bodies.map((b) => JSON.parse(b) as Record<string, unknown>), delivered };
  };

  it('SNS fan-out: a bucket that notifies a topic reaches addapart through the queue’s subscription', async () => {
    const xml = await sns('CreateTopic', { Name: 'org-trail-delivery' });
    const topicArn = /<TopicArn>([^<]+)<\/TopicArn>/.exec(xml)![1]!;
    await sns('Subscribe', { TopicArn: topicArn, Protocol: 'sqs', Endpoint: queues.notificationsArn });
    await clients.s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: BUCKETS.raw,
        NotificationConfiguration: {
          TopicConfigurations: [{ TopicArn: topicArn, Events: ['s3:ObjectCreated:*'] }],
        },
      }),
    );

    const { bodies, delivered } = await landAndDeliver();

    expect(delivered.failures).toEqual([]);
    const envelopes = bodies.filter((b) => b.Type === 'Notification' && b.TopicArn === topicArn);
    const keys = envelopes.flatMap((b) =>
      (
        (JSON.parse(String(b.Message)) as { Records?: { s3: { object: { key: string } } }[] }).Records ?? []
      ).map((r) => decodeURIComponent(r.s3.object.key.replace(/\+/g, ' '))),
    );
    expect(keys.sort()).toEqual(files.map((f) => f.key).sort());
    expect((await lake.ledger.counts()).pending).toBe(files.length);
  });

  it('EventBridge: the template’s rule matches the bucket’s Object Created events and sends them to addapart', async () => {
    const rule = resolveTemplate({
      CodeBucket: 'code',
      SourceBucketNames: BUCKETS.raw,
      SourceEventBridge: 'true',
    }).resources.SourceObjectCreatedRule!.Properties;
    await events('PutRule', {
      Name: 'loglake-source-objects',
      EventPattern: JSON.stringify(rule.EventPattern),
    });
    await events('PutTargets', {
      Rule: 'loglake-source-objects',
      Targets: [{ Id: 'notifications', Arn: queues.notificationsArn }],
    });
    await clients.s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: BUCKETS.raw,
        NotificationConfiguration: { EventBridgeConfiguration: {} },
      }),
    );

    const { bodies, delivered } = await landAndDeliver();

    expect(delivered.failures).toEqual([]);
    expect(bodies.every((b) => b.source === 'aws.s3' && b['detail-type'] === 'Object Created')).toBe(true);
    const keys = bodies.map((b) => (b.detail as { object: { key: string } }).object.key);
    expect(keys.sort()).toEqual(files.map((f) => f.key).sort());
    expect((await lake.ledger.counts()).pending).toBe(files.length);
  });

  it('EventBridge: the rule ignores buckets it does not list', async () => {
    const rule = resolveTemplate({
      CodeBucket: 'code',
      SourceBucketNames: 'some-other-bucket',
      SourceEventBridge: 'true',
    }).resources.SourceObjectCreatedRule!.Properties;
    await events('PutRule', {
      Name: 'loglake-source-objects',
      EventPattern: JSON.stringify(rule.EventPattern),
    });
    await events('PutTargets', {
      Rule: 'loglake-source-objects',
      Targets: [{ Id: 'notifications', Arn: queues.notificationsArn }],
    });
    await clients.s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: BUCKETS.raw,
        NotificationConfiguration: { EventBridgeConfiguration: {} },
      }),
    );

    const { bodies } = await landAndDeliver();

    expect(bodies).toEqual([]);
    expect((await lake.ledger.counts()).pending).toBe(0);
  });
});
