/** Live configuration in AWS mode on moto: the object named by LOGLAKE_LIVE_CONFIG_URI steers addapart. */
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { createAddapartHandler } from '../../addapart/lambda.ts';
import type { AwsClients } from '../../lake/aws/awsClients.ts';
import { S3ObjectStore } from '../../lake/aws/s3ObjectStore.ts';
import type { Lake } from '../../lake/lake.ts';
import { LiveConfigStore } from '../../lake/liveConfig.ts';
import { fixtureText } from '../helpers/fixtures.ts';
import { type FixtureQueues, openMotoLake } from './motoFixture.ts';
import { deliverAll } from './sqsEvents.ts';

const key = (account: string) =>
  `AWSLogs/${account}/CloudTrail/eu-west-1/2026/11/01/${account}_CloudTrail_eu-west-1_20261101T0800Z_File1.json.gz`;

describe('live configuration on AWS', () => {
  let lake: Lake;
  let clients: AwsClients;
  let queues: FixtureQueues;
  afterEach(async () => lake.close());

  it('denies an account for the running functions as soon as the cache runs out, with no deploy', async () => {
    // prepare: the live object lives in its own bucket; a cache TTL of 0 stands for "a minute later"
    ({ lake, clients, queues } = await openMotoLake({
      config: {
        liveConfig: { ttlSeconds: 0 },
        aws: { liveConfigUri: 's3://loglake-config/ops/live.json' } as never,
      },
      lake: { glue: { warn: () => {} } },
    }));
    await clients.s3.send(new CreateBucketCommand({ Bucket: 'loglake-config' }));
    const addapart = createAddapartHandler(async () => lake);
    const operator = new LiveConfigStore(
      new S3ObjectStore(clients.s3, { bucket: 'loglake-config' }),
      'ops/live.json',
      lake.live.base,
    );
    // act
    const published = await operator.publish({ filter: { accounts: { deny: ['111122223333'] } } });
    await lake.raw.put(key('111122223333'), fixtureText('cloudtrail/session-records.json'));
    await lake.raw.put(key('444455556666'), fixtureText('cloudtrail/session-records.json'));
    await deliverAll(clients.sqs, queues.notifications, queues.notificationsArn, addapart);
    const claim = await lake.ledger.claim({ maxFiles: 10, maxBytes: 1e9 });
    // assess
    expect(lake.live.location).toBe('s3://loglake-config/ops/live.json');
    expect(published.version).toBe(1);
    expect(claim?.files.map((f) => f.key)).toEqual([key('444455556666')]);
  });
});
