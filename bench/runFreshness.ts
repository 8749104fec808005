/**
 * The freshness bench (issue 8.6): time from landing to queryable for one Session Manager session,
 * on moto, with the schedule and batching window infra/loglake.yaml sets. Run:
 *
 *   npm run bench:freshness [-- --runs 5 --results bench/results]
 *
 * Writes `freshness-latest.json` and `freshness-latest.md` into the results folder.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AthenaClient } from '@aws-sdk/client-athena';
import { GlueClient } from '@aws-sdk/client-glue';
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../lake/aws/awsClients.ts';
import { openAwsLake } from '../lake/aws/openAwsLake.ts';
import { configSchema } from '../lake/config.ts';
import { loadSources } from '../sources/loader.ts';
import { machineInfo } from './machineInfo.ts';
import { type FreshnessMeasure, measureFreshness, worstCaseSeconds } from './measureFreshness.ts';
import { type MotoServer, startMoto } from './motoServer.ts';
import { readTemplateSchedule, type TemplateSchedule } from './templateSchedule.ts';

const BUCKETS = { raw: 'fresh-raw', readready: 'fresh-readready', quarantine: 'fresh-quarantine' };

/** Fresh buckets and queues on moto, as the stack has them, and a lake on them. */
async function openStack(moto: MotoServer) {
  await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });
  const aws = { region: 'us-east-1', endpoint: moto.endpoint };
  // Fake credentials: moto accepts any, and nothing may reach a real account or the instance metadata.
  const common = { ...aws, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const clients: AwsClients = {
    s3: new S3Client({ ...common, forcePathStyle: true }),
    glue: new GlueClient(common),
    sqs: new SQSClient(common),
    athena: new AthenaClient(common),
  };
  for (const bucket of Object.values(BUCKETS))
    await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const queue = async (name: string, attributes: Record<string, string> = {}) =>
    (await clients.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl!;
  const arnOf = async (url: string) =>
    (await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] })))
      .Attributes!.QueueArn!;
  const dlq = await queue('fresh-notifications-dlq');
  const notifications = await queue('fresh-notifications', {
    VisibilityTimeout: '360',
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: await arnOf(dlq), maxReceiveCount: 5 }),
  });
  const transform = await queue('fresh-transform', { VisibilityTimeout: '900' });
  const notificationsArn = await arnOf(notifications);
  await clients.s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: BUCKETS.raw,
      NotificationConfiguration: {
        QueueConfigurations: [{ QueueArn: notificationsArn, Events: ['s3:ObjectCreated:*'] }],
      },
    }),
  );
  const config = configSchema.parse({
    mode: 'aws',
    transform: { maxFiles: 1000, writerThreads: 1 },
    aws: { ...aws, buckets: BUCKETS, queues: { notifications, transform } },
  });
  const lake = await openAwsLake(config, await loadSources(), { clients, glue: { warn: () => {} } });
  return { lake, clients, notifications: { url: notifications, arn: notificationsArn } };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const secs = (ms: number) => (ms / 1000).toFixed(2);

function renderMarkdown(schedule: TemplateSchedule, runs: FreshnessMeasure[], startedAt: string): string {
  const processing = runs.map((r) => r.processingMs);
  const worst = worstCaseSeconds(schedule, Math.max(...processing));
  const m = machineInfo();
  const lines = [
    '# Freshness: landing to queryable',
    '',
    `Run ${startedAt} on moto, ${m.cpuModel} (${m.cores} cores, load ${m.loadAverage.join(' ')}), Node ${m.nodeVersion}.`,
    `One Session Manager session per run: ${runs[0]!.files} raw files (${(runs[0]!.bytes / 1024).toFixed(0)} KiB), CloudTrail and Firehose.`,
    '',
    '| run | land (s) | notifications + addapart (s) | of it addapart (s) | transform tick (s) | processing (s) |',
    '|---|---|---|---|---|---|',
    ...runs.map(
      (r, i) =>
        `| ${i + 1} | ${secs(r.stagesMs.land)} | ${secs(r.stagesMs.deliver)} | ${secs(r.addapartMs)} | ${secs(r.stagesMs.transform)} | ${secs(r.processingMs)} |`,
    ),
    '',
    `Template: transform schedule \`${schedule.expression}\` (${schedule.periodSeconds} s), addapart batching window ${schedule.batchingWindowSeconds} s, freshness alarm at ${schedule.ledgerAgeAlarmSeconds} s.`,
    '',
    `**Worst case, landing to queryable: ${worst.toFixed(1)} s** = batching window ${schedule.batchingWindowSeconds} s + schedule period ${schedule.periodSeconds} s + slowest processing ${secs(Math.max(...processing))} s (median ${secs(median(processing))} s).`,
    '',
    'Not included (real AWS only): S3 notification delivery delay, Lambda cold starts, Glue and S3 latency',
    'beyond moto on loopback.',
    '',
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '5' },
      results: { type: 'string', default: 'bench/results' },
    },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`--runs must be a positive integer: ${values.runs}`);
  const schedule = readTemplateSchedule();
  const startedAt = new Date().toISOString();
  const moto = await startMoto();
  const measures: FreshnessMeasure[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const stack = await openStack(moto);
      try {
        measures.push(
          await measureFreshness(
            { ...stack, buckets: { raw: BUCKETS.raw, readready: BUCKETS.readready } },
            { seed: 11 + i },
          ),
        );
      } finally {
        await stack.lake.close();
      }
      process.stdout.write(`run ${i + 1}: ${secs(measures.at(-1)!.processingMs)} s processing\n`);
    }
  } finally {
    await moto.stop();
  }
  const worst = worstCaseSeconds(schedule, Math.max(...measures.map((m) => m.processingMs)));
  const result = { startedAt, machine: machineInfo(), schedule, runs: measures, worstCaseSeconds: worst };
  await mkdir(values.results!, { recursive: true });
  await writeFile(join(values.results!, 'freshness-latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  const markdown = renderMarkdown(schedule, measures, startedAt);
  await writeFile(join(values.results!, 'freshness-latest.md'), markdown);
  process.stdout.write(`\n${markdown}`);
}

await main();
