/** Shared helpers of the AWS-mode tests: moto's endpoint, reset, and a lake wired to it. */
import { AthenaClient } from '@aws-sdk/client-athena';
import { GlueClient } from '@aws-sdk/client-glue';
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { inject } from 'vitest';
import type { AwsClients } from '../../lake/aws/awsClients.ts';
import { type OpenAwsLakeOptions, openAwsLake } from '../../lake/aws/openAwsLake.ts';
import { configSchema, type LoglakeConfig, type LoglakeConfigInput } from '../../lake/config.ts';
import type { Lake } from '../../lake/lake.ts';
import { loadSources } from '../../sources/loader.ts';

// Fake credentials: moto accepts any, and nothing may reach a real account.
process.env.AWS_ACCESS_KEY_ID = 'test';
process.env.AWS_SECRET_ACCESS_KEY = 'test';
process.env.AWS_SESSION_TOKEN = 'test';
process.env.AWS_REGION = 'us-east-1';
process.env.AWS_EC2_METADATA_DISABLED = 'true';

export const REGION = 'us-east-1';
export const BUCKETS = {
  raw: 'loglake-raw',
  readready: 'loglake-readready',
  quarantine: 'loglake-quarantine',
};

/** moto's endpoint, always on loopback. */
export function motoEndpoint(): string {
  const url = inject('motoEndpoint') ?? process.env.LOGLAKE_TEST_MOTO_ENDPOINT;
  if (!url || !/^http:\/\/127\.0\.0\.1:\d+$/.test(url))
    throw new Error(`moto endpoint is not on loopback: ${url}`);
  return url;
}

/** Forgets everything moto holds. */
export async function resetMoto(): Promise<void> {
  const res = await fetch(`${motoEndpoint()}/moto-api/reset`, { method: 'POST' });
  if (!res.ok) throw new Error(`moto reset failed: ${res.status}`);
}

/** Fresh SDK clients pointed at moto (a test adds middleware to them without affecting others). */
export function motoClients(): AwsClients {
  const common = {
    region: REGION,
    endpoint: motoEndpoint(),
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  return {
    s3: new S3Client({ ...common, forcePathStyle: true }),
    glue: new GlueClient(common),
    sqs: new SQSClient(common),
    athena: new AthenaClient(common),
  };
}

/** Queue URLs and ARNs of a fixture. */
export interface FixtureQueues {
  notifications: string;
  notificationsArn: string;
  dlq: string;
  transform: string;
}

/**
 * Creates the three buckets, the notification queue with a DLQ (redrive after `maxReceiveCount`),
 * the transform queue, and the raw bucket's notification to SQS (which sends an `s3:TestEvent`).
 */
export async function createInfrastructure(
  clients: AwsClients,
  opts: { maxReceiveCount?: number; notify?: boolean; visibilitySeconds?: number } = {},
): Promise<FixtureQueues> {
  const { maxReceiveCount = 2, notify = true, visibilitySeconds = 30 } = opts;
  for (const bucket of Object.values(BUCKETS))
    await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const dlq = (await clients.sqs.send(new CreateQueueCommand({ QueueName: 'loglake-notifications-dlq' })))
    .QueueUrl!;
  const dlqArn = await queueArn(clients.sqs, dlq);
  const notifications = (
    await clients.sqs.send(
      new CreateQueueCommand({
        QueueName: 'loglake-notifications',
        Attributes: {
          VisibilityTimeout: String(visibilitySeconds),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount }),
        },
      }),
    )
  ).QueueUrl!;
  const transform = (
    await clients.sqs.send(
      new CreateQueueCommand({ QueueName: 'loglake-transform', Attributes: { VisibilityTimeout: '900' } }),
    )
  ).QueueUrl!;
  const notificationsArn = await queueArn(clients.sqs, notifications);
  if (notify) {
    await clients.s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: BUCKETS.raw,
        NotificationConfiguration: {
          QueueConfigurations: [
            { Id: 'loglake-raw', QueueArn: notificationsArn, Events: ['s3:ObjectCreated:*'] },
          ],
        },
      }),
    );
  }
  return { notifications, notificationsArn, dlq, transform };
}

export async function queueArn(sqs: SQSClient, url: string): Promise<string> {
  const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  return out.Attributes!.QueueArn!;
}

/** An AWS-mode config for the fixture's resources, on moto. */
export function awsConfig(queues: FixtureQueues, overrides: Partial<LoglakeConfigInput> = {}): LoglakeConfig {
  return configSchema.parse({
    mode: 'aws',
    database: 'loglake',
    ...overrides,
    aws: {
      region: REGION,
      endpoint: motoEndpoint(),
      buckets: BUCKETS,
      queues: { notifications: queues.notifications, transform: queues.transform },
      ...overrides.aws,
    },
  });
}

/** Resets moto, creates the resources and opens a lake on them. */
export async function openMotoLake(
  opts: {
    lake?: OpenAwsLakeOptions;
    maxReceiveCount?: number;
    config?: Partial<LoglakeConfigInput>;
    notify?: boolean;
  } = {},
): Promise<{ lake: Lake; clients: AwsClients; queues: FixtureQueues }> {
  await resetMoto();
  const clients = motoClients();
  const queues = await createInfrastructure(clients, {
    maxReceiveCount: opts.maxReceiveCount,
    notify: opts.notify,
  });
  const config = awsConfig(queues, opts.config);
  const lake = await openAwsLake(config, await loadSources(config.sourcesDirs), {
    ...opts.lake,
    clients: { ...clients, ...opts.lake?.clients },
    glue: { baseDelayMs: 1, ...opts.lake?.glue },
  });
  return { lake, clients, queues };
}
